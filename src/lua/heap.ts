/**
 * Moving bytes between JS and the Lua module's memory: a scratch block that
 * JS strings and byte arrays are written to before `lua_pushlstring` copies
 * them into Lua, and decoding of Lua strings straight out of the memory.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { LuaApi } from "./wasm.ts";

const encoder = new TextEncoder();

/** Buffer's utf8Slice (undocumented but present on Node, Deno and Bun); toString as a fallback. */
type Utf8Slicer = (buf: Buffer, start: number, end: number) => string;
const utf8Slice: Utf8Slicer = typeof (Buffer.prototype as unknown as { utf8Slice?: unknown }).utf8Slice === "function"
  ? (buf, start, end) => (buf as unknown as { utf8Slice(s: number, e: number): string }).utf8Slice(start, end)
  : (buf, start, end) => buf.toString("utf8", start, end);

/**
 * Scratch memory and string codecs over one Lua module. Addresses it
 * returns stay valid until the next `put*` call.
 *
 * @example
 * ```ts
 * import { loadLuaApi } from "./wasm.ts";
 * import { WasmHeap } from "./heap.ts";
 * const heap = new WasmHeap(await loadLuaApi());
 * const len = heap.putString("héllo");
 * console.log(len, heap.decode(heap.scratch, len)); // 6 "héllo"
 * heap.free();
 * ```
 */
export class WasmHeap {
  readonly #api: LuaApi;
  /** Buffer over the whole memory: its utf8Slice is the fastest decoder on all three runtimes. */
  #buf: Buffer;
  #scratch = 0;
  #capacity = 0;
  #cStrings: number[] = [];
  /** Address of a size_t out-parameter (the length written by `lua_tolstring`). */
  readonly lenPtr: number;

  constructor(api: LuaApi) {
    this.#api = api;
    this.lenPtr = api._malloc(8);
    this.#grow(256);
    this.#buf = Buffer.from(api.HEAPU8.buffer);
  }

  /** Address of the scratch block (changes when it grows). */
  get scratch(): number {
    return this.#scratch;
  }

  /** The length `lua_tolstring` just wrote at {@linkcode WasmHeap.lenPtr}. */
  get len(): number {
    return this.#api.HEAPU32[this.lenPtr >>> 2];
  }

  /** UTF-8 decode of `len` bytes at `ptr` (invalid sequences become U+FFFD). */
  decode(ptr: number, len: number): string {
    let buf = this.#buf;
    const memory = this.#api.HEAPU8.buffer;
    if (buf.buffer !== memory) buf = this.#buf = Buffer.from(memory);
    return utf8Slice(buf, ptr, ptr + len);
  }

  /** A view of `len` bytes at `ptr`: valid only until Lua's memory changes (no copy). */
  view(ptr: number, len: number): Uint8Array {
    return this.#api.HEAPU8.subarray(ptr, ptr + len);
  }

  /** A copy of `len` bytes at `ptr`. */
  copy(ptr: number, len: number): Uint8Array {
    return this.#api.HEAPU8.slice(ptr, ptr + len);
  }

  /** Writes `s` as UTF-8 at {@linkcode WasmHeap.scratch}; returns its byte length. */
  putString(s: string): number {
    const n = s.length;
    if (n * 3 > this.#capacity) this.#grow(n * 3);
    const u8 = this.#api.HEAPU8;
    const at = this.#scratch;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return encoder.encodeInto(s, u8.subarray(at, at + this.#capacity)).written;
      u8[at + i] = c;
    }
    return n;
  }

  /** Copies `bytes` to {@linkcode WasmHeap.scratch}; returns their length. */
  putBytes(bytes: Uint8Array): number {
    if (bytes.length > this.#capacity) this.#grow(bytes.length);
    this.#api.HEAPU8.set(bytes, this.#scratch);
    return bytes.length;
  }

  /** A NUL-terminated copy of `s` that lives until {@linkcode WasmHeap.free}. */
  cString(s: string): number {
    const bytes = encoder.encode(s + "\0");
    const ptr = this.#api._malloc(bytes.length);
    this.#api.HEAPU8.set(bytes, ptr);
    this.#cStrings.push(ptr);
    return ptr;
  }

  /** Releases one string made by {@linkcode WasmHeap.cString}. */
  freeCString(ptr: number): void {
    const i = this.#cStrings.indexOf(ptr);
    if (i < 0) return;
    this.#cStrings.splice(i, 1);
    this.#api._free(ptr);
  }

  /** Releases every block this heap allocated. */
  free(): void {
    const api = this.#api;
    for (const ptr of this.#cStrings) api._free(ptr);
    this.#cStrings = [];
    api._free(this.#scratch);
    api._free(this.lenPtr);
    this.#scratch = this.#capacity = 0;
  }

  #grow(atLeast: number): void {
    const capacity = Math.max(atLeast, this.#capacity * 2, 256);
    const ptr = this.#api._malloc(capacity);
    if (ptr === 0) throw new RangeError(`cannot allocate ${capacity} bytes of Lua scratch memory`);
    if (this.#scratch !== 0) this.#api._free(this.#scratch);
    this.#scratch = ptr;
    this.#capacity = capacity;
  }
}
