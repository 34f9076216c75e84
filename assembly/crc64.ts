/**
 * CRC-64/Jones as Redis computes it (src/crc64.c): reflected polynomial
 * 0xad93d23594c935a9, initial value 0, no final xor ("123456789" gives
 * 0xe9c6d914c4b8d9ca). Slicing-by-8: eight 256-entry u64 tables, built on
 * first use, fold 8 input bytes per step.
 *
 * Ownership: the tables are static data of this module. Input bytes belong
 * to the caller (normally the host's scratch) and are only read.
 */

/** Table k (k = 0..7) at tables + k * 2048: a byte k positions further from the end of an 8-byte block. */
const tables: usize = memory.data(8 * 256 * 8, 8);
let built = false;

function build(): void {
  const poly: u64 = 0x95ac9329ac4bc9b5; // 0xad93d23594c935a9 bit-reversed
  for (let i: u32 = 0; i < 256; i++) {
    let c = u64(i);
    for (let b = 0; b < 8; b++) c = (c & 1) != 0 ? (c >> 1) ^ poly : c >> 1;
    store<u64>(tables + (usize(i) << 3), c);
  }
  for (let k: u32 = 1; k < 8; k++) {
    for (let i: u32 = 0; i < 256; i++) {
      const prev = load<u64>(tables + ((usize(k - 1) << 11) + (usize(i) << 3)));
      const next = (prev >> 8) ^ load<u64>(tables + (usize(prev & 0xff) << 3));
      store<u64>(tables + ((usize(k) << 11) + (usize(i) << 3)), next);
    }
  }
  built = true;
}

// @ts-ignore: decorator
@inline function t(k: u32, byte: u64): u64 {
  return load<u64>(tables + (usize(k) << 11) + (usize(byte & 0xff) << 3));
}

/** The CRC `crc` extended over the n bytes at p. */
export function crc64Update(crc: u64, p: usize, n: u32): u64 {
  if (!built) build();
  let c = crc;
  let i: u32 = 0;
  while (n - i >= 8) {
    const w = c ^ load<u64>(p + i);
    c = t(7, w) ^ t(6, w >> 8) ^ t(5, w >> 16) ^ t(4, w >> 24) ^
      t(3, w >> 32) ^ t(2, w >> 40) ^ t(1, w >> 48) ^ t(0, w >> 56);
    i += 8;
  }
  while (i < n) {
    c = t(0, c ^ u64(load<u8>(p + i))) ^ (c >> 8);
    i++;
  }
  return c;
}
