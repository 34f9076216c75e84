/**
 * The store's allocator, on top of memory.grow (no AssemblyScript runtime
 * allocation is ever used for data).
 *
 * Ownership: every block belongs to whoever called alloc() until it calls
 * free() with the same size it asked for (or any size of the same class).
 *
 * - Small blocks (<= SMALL_MAX bytes) come in 8-byte classes and carry NO
 *   header: the caller passes the size back on free (entries know their own
 *   size). Freed blocks go on a per-class LIFO list.
 * - Large blocks (> SMALL_MAX) have an 8-byte header [u32 capacity][u32 0] in
 *   front of the payload; free() reads the capacity from it, so the caller's
 *   size only has to say "large". Capacities come in 4 classes per power of
 *   two (2560, 3072, 3584, 4096, 5120, ... as jemalloc's): with no
 *   coalescing, a buffer that grows a little between allocations (the sort
 *   arrays of a large set read after every add) must find the block its
 *   previous size freed, or every call would take fresh memory. Free large
 *   blocks sit in log2 bins and are reused first-fit (with splitting).
 * - Fresh memory is carved from a bump region. When it runs out we refill it
 *   from a freed large block before growing linear memory by
 *   max(needed, 1/8 of current, 1 MiB).
 *
 * Failure: alloc() returns 0 when memory cannot grow. It never traps, and
 * callers allocate before they mutate so a failure leaves the store intact.
 * Addresses may be >= 2 GiB: all arithmetic is unsigned (usize/u64).
 */

// @ts-ignore: decorator
@inline export const SMALL_MAX: u32 = 2048;
// @ts-ignore: decorator
@inline const LARGE_HDR: u32 = 8;
// @ts-ignore: decorator
@inline const MIN_GROW_PAGES: u64 = 256; // 16 MiB
// @ts-ignore: decorator
@inline const MAX_PAGES: u64 = 65536; // 4 GiB
// @ts-ignore: decorator
@inline const FIRST_FIT_SCAN: i32 = 16;

/** Heads of the small free lists, indexed by size/8 (u32 each). */
const smallHeads: usize = memory.data(4 * (SMALL_MAX / 8 + 1));
/** Heads of the large free lists, indexed by floor(log2(capacity)). */
const largeHeads: usize = memory.data(4 * 33);

let top: u64 = 0; // next free byte of the bump region
let end: u64 = 0; // end of the bump region
let memEnd: u64 = 0; // end of linear memory
let liveBytes: u64 = 0; // bytes in blocks handed out (incl. rounding, excl. headers)
let maxPages: u64 = MAX_PAGES; // growth cap (a store-level maxmemory)
let fresh: u64 = 0; // lowest address never handed out: memory from here up is still zero
let heapStart: u64 = 0; // first byte the allocator manages
/** Whether the last alloc() returned never-used (hence zeroed) memory. */
export let allocWasFresh = false;

/** Caps linear memory at `pages` 64 KiB pages (0 = the 4 GiB wasm32 limit). */
export function memSetLimit(pages: u32): void {
  maxPages = pages == 0 || u64(pages) > MAX_PAGES ? MAX_PAGES : u64(pages);
}

export function memInit(): void {
  top = (u64(__heap_base) + 15) & ~u64(15);
  heapStart = top;
  fresh = top;
  memEnd = u64(memory.size()) << 16;
  end = memEnd;
}

/** Bytes currently allocated (a Redis used_memory analogue). */
export function memLive(): u64 {
  return liveBytes;
}

export function memSize(): u64 {
  return memEnd;
}

// @ts-ignore: decorator
@inline function roundSmall(size: u32): u32 {
  return size == 0 ? 8 : (size + 7) & ~u32(7);
}

export function alloc(size: u32): usize {
  allocWasFresh = false;
  const p = size <= SMALL_MAX ? allocSmall(roundSmall(size)) : allocLarge(size);
  if (p != 0 || !releaseCaches()) return p;
  // memory held by caches (sorted indexes) goes before any data write fails
  return size <= SMALL_MAX ? allocSmall(roundSmall(size)) : allocLarge(size);
}

/**
 * Frees what caches hold when memory is full; true when something was
 * freed. Set by the cache's module (a function value: memory.ts imports
 * nothing of its users).
 */
let releaseCaches: () => bool = noCaches;

function noCaches(): bool {
  return false;
}

/** Installs the function that frees caches when memory is full (see alloc). */
export function onMemoryFull(release: () => bool): void {
  releaseCaches = release;
}

export function free(p: usize, size: u32): void {
  if (size <= SMALL_MAX) {
    const sz = roundSmall(size);
    pushSmall(p, sz);
    liveBytes -= sz;
    return;
  }
  const cap = load<u32>(p - LARGE_HDR);
  liveBytes -= cap;
  pushLarge(p, cap);
}

/** How many bytes the block at p (allocated with `size`) can hold. */
export function capacityOf(p: usize, size: u32): u32 {
  if (size <= SMALL_MAX) return roundSmall(size);
  return load<u32>(p - LARGE_HDR);
}

/** True when a block allocated with `a` can also be freed as `b` (same class / both large). */
export function sameClass(a: u32, b: u32): bool {
  if (a > SMALL_MAX) return b > SMALL_MAX;
  return b <= SMALL_MAX && roundSmall(a) == roundSmall(b);
}

/**
 * Shrinks a small block in place from oldSize to newSize by returning its
 * tail to the free lists. Headerless small blocks make any 8-aligned tail a
 * valid block of its own. A no-op for large blocks (oldSize > SMALL_MAX).
 */
export function shrinkSmall(p: usize, oldSize: u32, newSize: u32): void {
  // a large block has a header and one capacity: its tail is never a block of
  // its own (the owner keeps the whole block until it frees it)
  if (oldSize > SMALL_MAX) return;
  const a = roundSmall(oldSize);
  const b = roundSmall(newSize);
  if (a > b) {
    pushSmall(p + b, a - b);
    liveBytes -= a - b;
  }
}

// ---------------------------------------------------------------- small path

function allocSmall(sz: u32): usize {
  const head = smallHeads + (sz >> 1);
  const p = load<u32>(head);
  if (p != 0) {
    store<u32>(head, load<u32>(p));
    liveBytes += sz;
    return p;
  }
  if (end - top < u64(sz) && !refill(sz)) return 0;
  const q = usize(top);
  allocWasFresh = top >= fresh;
  top += sz;
  if (top > fresh) fresh = top;
  liveBytes += sz;
  return q;
}

// @ts-ignore: decorator
@inline function pushSmall(p: usize, sz: u32): void {
  const head = smallHeads + (sz >> 1);
  store<u32>(p, load<u32>(head));
  store<u32>(head, p);
}

/** Hands the rest of the bump region to the small free lists. */
function retireBump(): void {
  while (end - top >= 8) {
    let n = end - top;
    if (n > u64(SMALL_MAX)) n = u64(SMALL_MAX);
    pushSmall(usize(top), u32(n));
    top += n;
  }
  top = end;
}

/** Makes at least sz bytes available in the bump region. */
function refill(sz: u32): bool {
  const b = takeLarge(sz < 4096 ? 4096 : sz);
  if (b != 0) {
    retireBump();
    top = u64(b) - LARGE_HDR;
    end = u64(b) + load<u32>(b - LARGE_HDR);
    return true;
  }
  if (end != memEnd) {
    retireBump();
    top = memEnd;
    end = memEnd;
  }
  return growFor(u64(sz));
}

/**
 * Grows linear memory so that [top, end) holds `bytes`; the bump region must
 * end at memEnd. Grows by a quarter of the current size, at least 16 MiB:
 * every grow makes the JavaScript engine account for more external memory
 * and may start a full GC (measured: 12.5% steps gave a 5-15 ms GC pause
 * every ~80 ms of a large load), and untouched pages cost no resident memory.
 */
function growFor(bytes: u64): bool {
  const need = (bytes - (end - top) + 0xffff) >> 16;
  const cur = u64(memory.size());
  let inc = cur >> 2;
  if (inc < MIN_GROW_PAGES) inc = MIN_GROW_PAGES;
  if (inc < need) inc = need;
  if (cur >= maxPages) return false;
  if (cur + inc > maxPages) inc = maxPages - cur;
  if (inc < need) return false;
  if (memory.grow(i32(inc)) < 0) {
    if (inc == need || memory.grow(i32(need)) < 0) return false;
  }
  memEnd = u64(memory.size()) << 16;
  end = memEnd;
  return true;
}

// ---------------------------------------------------------------- large path

// @ts-ignore: decorator
@inline function binOf(cap: u64): u32 {
  return 63 - u32(clz(cap));
}

function pushLarge(p: usize, cap: u32): void {
  const head = largeHeads + (binOf(cap) << 2);
  store<u32>(p, load<u32>(head));
  store<u32>(head, p);
}

/**
 * Removes and returns a free large block with capacity >= need (split when
 * much larger), or 0.
 */
function takeLarge(need: u32): usize {
  let bin = binOf(u64(need));
  // first fit within the need's own bin (sizes vary inside a bin)
  let link = largeHeads + (bin << 2);
  let p = load<u32>(link);
  for (let i = 0; p != 0 && i < FIRST_FIT_SCAN; i++) {
    if (load<u32>(p - LARGE_HDR) >= need) {
      store<u32>(link, load<u32>(p));
      return splitLarge(p, need);
    }
    link = p;
    p = load<u32>(p);
  }
  // any block of a higher bin is big enough
  for (bin++; bin < 33; bin++) {
    const head = largeHeads + (bin << 2);
    const q = load<u32>(head);
    if (q != 0) {
      store<u32>(head, load<u32>(q));
      return splitLarge(q, need);
    }
  }
  return 0;
}

/** Cuts the tail off a taken large block when worth a block of its own. */
function splitLarge(p: usize, need: u32): usize {
  const cap = load<u32>(p - LARGE_HDR);
  const want = (need + 7) & ~u32(7);
  if (cap >= want && cap - want >= SMALL_MAX * 2 + LARGE_HDR) {
    const rest = p + want + LARGE_HDR;
    const restCap = cap - want - LARGE_HDR;
    store<u32>(rest - LARGE_HDR, restCap);
    store<u32>(rest - 4, 0);
    pushLarge(rest, restCap);
    store<u32>(p - LARGE_HDR, want);
  }
  return p;
}

/** Capacity class of a large request: rounded up to a quarter of its power of two (exact past 4 GiB). */
function largeClass(size: u32): u64 {
  const exact = (u64(size) + 7) & ~u64(7);
  const step = u64(1) << (binOf(exact) - 2);
  const cap = (exact + step - 1) & ~(step - 1);
  return cap > u64(u32.MAX_VALUE) ? exact : cap;
}

function allocLarge(size: u32): usize {
  const cap = largeClass(size);
  if (cap > u64(u32.MAX_VALUE)) return 0;
  const reused = takeLarge(u32(cap));
  if (reused != 0) {
    liveBytes += load<u32>(reused - LARGE_HDR);
    return reused;
  }
  const need = cap + LARGE_HDR;
  if (end - top < need) {
    if (end != memEnd) {
      retireBump();
      top = memEnd;
      end = memEnd;
    }
    if (!growFor(need)) return 0;
  }
  const b = usize(top);
  allocWasFresh = top >= fresh;
  top += need;
  if (top > fresh) fresh = top;
  store<u32>(b, u32(cap));
  store<u32>(b + 4, 0);
  liveBytes += cap;
  return b + LARGE_HDR;
}

// ---------------------------------------------------------------- consistency checking (tests)

/** First byte the allocator manages: [memHeapStart(), memSize()) is all blocks, free or not. */
export function memHeapStart(): u64 {
  return heapStart;
}

/**
 * Reports every free region as fn(start, bytes) — small free blocks, free
 * large blocks with their header, the bump region — so a checker can verify
 * that live and free blocks tile the heap exactly. False when a free list is
 * damaged (a block out of the heap, misaligned, in the wrong bin, or a
 * cycle); the walk stops there.
 */
export function memWalkFree(fn: (p: usize, bytes: u32) => void): bool {
  const limit = (memEnd - heapStart) >> 3; // more links than 8-byte slots means a cycle
  for (let sz: u32 = 8; sz <= SMALL_MAX; sz += 8) {
    let p = load<u32>(smallHeads + (sz >> 1));
    for (let n: u64 = 0; p != 0; n++) {
      if (n > limit || !inHeap(p, sz) || (p & 7) != 0) return false;
      fn(p, sz);
      p = load<u32>(p);
    }
  }
  for (let bin: u32 = 0; bin < 33; bin++) {
    let p = load<u32>(largeHeads + (bin << 2));
    for (let n: u64 = 0; p != 0; n++) {
      if (n > limit || !inHeap(p - LARGE_HDR, LARGE_HDR) || (p & 7) != 0) return false;
      const cap = load<u32>(p - LARGE_HDR);
      if (cap <= SMALL_MAX || (cap & 7) != 0 || binOf(u64(cap)) != bin || !inHeap(p, cap)) return false;
      fn(p - LARGE_HDR, cap + LARGE_HDR);
      p = load<u32>(p);
    }
  }
  if (end > top) fn(usize(top), u32(end - top));
  return true;
}

function inHeap(p: usize, bytes: u32): bool {
  return u64(p) >= heapStart && u64(p) + u64(bytes) <= memEnd;
}
