/**
 * Byte-string helpers shared by the pure computations of `src/ops/`:
 * Redis's binary ordering of members and a Map key for byte strings.
 *
 * @module
 */

/**
 * Redis's binary comparison of two strings (`memcmp` over the common
 * length, then the shorter one first): negative, 0 or positive.
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * A JavaScript string that identifies a byte string (one UTF-16 unit per
 * byte): usable as a Map key, equal exactly when the bytes are equal.
 */
export function bytesKey(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}
