/**
 * Redis's glob-style matching (`stringmatchlen` in src/util.c), on bytes:
 * the matcher behind KEYS, SCAN/SSCAN/HSCAN/ZSCAN `MATCH`, PSUBSCRIBE and
 * ACL key patterns.
 *
 * - `*` any run of bytes (empty included), `?` exactly one byte;
 * - `[abc]` one of the listed bytes, `[^abc]` none of them, `[a-z]` a range
 *   (reversed ranges such as `[z-a]` are swapped), `\x` inside brackets the
 *   byte `x` itself;
 * - `\x` outside brackets the byte `x` literally (a trailing `\` is itself);
 * - `nocase` folds ASCII `A`-`Z` only (the C locale's `tolower`).
 *
 * Redis's quirks are kept on purpose, since a pattern must select exactly
 * the keys the primary would: an unterminated `[` runs to the end of the
 * pattern, `]` may end a range (`[a-]` is the range `]`..`a` and the class
 * then runs on), and range bounds compare as C's signed `char` (x86), so a
 * byte >= 0x80 sorts below `\0` inside ranges. Patterns nesting more than
 * 1000 `*` groups match nothing, as Redis 7.2+ does to protect its stack.
 *
 * @module
 */

/** Deepest `*` recursion, as Redis 7.2+ (`stringmatchlen_impl`'s nesting guard). */
const MAX_NESTING = 1000;

const STAR = 42, QUESTION = 63, OPEN = 91, CLOSE = 93, CARET = 94, BACKSLASH = 92, DASH = 45;

/** Byte at `i` of a pattern, 0 past its end (the C string's terminator). */
function at(p: Uint8Array, i: number): number {
  return i < p.length ? p[i] : 0;
}

/** C's `(int)(char)b` on x86: bytes >= 0x80 are negative. */
function signed(b: number): number {
  return (b << 24) >> 24;
}

/** C locale `tolower`: only ASCII capitals change. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Whether `a` and `b` are equal bytes, ASCII case folded when `nocase`. */
function sameByte(a: number, b: number, nocase: boolean): boolean {
  return a === b || (nocase && lower(a) === lower(b));
}

/**
 * Whether `subject` matches the glob `pattern`, exactly as Redis's
 * `stringmatchlen(pattern, subject, nocase)`.
 *
 * @example
 * ```ts
 * import { globMatch } from "./glob.ts";
 * const bytes = (s: string) => new TextEncoder().encode(s);
 * globMatch(bytes("user:*"), bytes("user:42")); // true
 * globMatch(bytes("h[ae]llo"), bytes("hillo")); // false
 * globMatch(bytes("HELLO"), bytes("hello"), true); // true
 * ```
 */
export function globMatch(pattern: Uint8Array, subject: Uint8Array, nocase = false): boolean {
  skipLonger = false;
  return matchFrom(pattern, 0, subject, 0, nocase, 0);
}

/**
 * Redis's `skipLongerMatches`, shared by one match's recursion (a match
 * never re-enters another): once the rest after a `*` matched nowhere in
 * the subject, no earlier `*` can help by eating more.
 */
let skipLonger = false;

/** The matcher from position `pi` of the pattern and `si` of the subject. */
function matchFrom(p: Uint8Array, pi: number, s: Uint8Array, si: number, nocase: boolean, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = p.length, slen = s.length;
  while (pi < plen && si < slen) {
    const c = p[pi];
    if (c === STAR) {
      while (pi < plen && at(p, pi + 1) === STAR) pi++;
      if (pi === plen - 1) return true;
      for (; si < slen; si++) {
        if (matchFrom(p, pi + 1, s, si, nocase, nesting + 1)) return true;
        if (skipLonger) return false;
      }
      skipLonger = true;
      return false;
    } else if (c === QUESTION) {
      si++;
    } else if (c === OPEN) {
      const end = matchClass(p, pi + 1, s[si], nocase);
      if (end < 0) return false;
      pi = end;
      si++;
    } else {
      if (c === BACKSLASH && plen - pi >= 2) pi++;
      if (!sameByte(p[pi], s[si], nocase)) return false;
      si++;
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p[pi] === STAR) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}

/**
 * A `[...]` class starting at `pi` (just after `[`) against byte `b`: the
 * position of its closing `]` (or of the last pattern byte when the class
 * is unterminated), or -1 when `b` does not match.
 */
function matchClass(p: Uint8Array, pi: number, b: number, nocase: boolean): number {
  const plen = p.length;
  const not = at(p, pi) === CARET;
  if (not) pi++;
  let match = false;
  for (;;) {
    const c = at(p, pi);
    if (c === BACKSLASH && plen - pi >= 2) {
      pi++;
      if (p[pi] === b) match = true; // escaped bytes compare exactly, even with nocase
    } else if (c === CLOSE && pi < plen) {
      break;
    } else if (pi >= plen) {
      pi--; // unterminated: the class ends with the pattern
      break;
    } else if (plen - pi >= 3 && p[pi + 1] === DASH) {
      let start = signed(c), end = signed(p[pi + 2]), x = signed(b);
      if (start > end) [start, end] = [end, start];
      if (nocase) {
        start = lower(start);
        end = lower(end);
        x = lower(x);
      }
      if (x >= start && x <= end) match = true;
      pi += 2;
    } else if (sameByte(c, b, nocase)) {
      match = true;
    }
    pi++;
  }
  return match !== not ? pi : -1;
}

/**
 * A matcher for one pattern, for matching many subjects: patterns without
 * special bytes compare as equal bytes, `prefix*` as a prefix test, `*` as
 * always true; the rest run {@linkcode globMatch}.
 *
 * @example
 * ```ts
 * import { compileGlob } from "./glob.ts";
 * const isUser = compileGlob(new TextEncoder().encode("user:*"));
 * isUser(new TextEncoder().encode("user:1")); // true
 * ```
 */
export function compileGlob(pattern: Uint8Array, nocase = false): (subject: Uint8Array) => boolean {
  let special = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === STAR || c === QUESTION || c === OPEN || c === BACKSLASH) {
      special = i;
      break;
    }
  }
  if (!nocase && special === -1) return (subject) => equalBytes(subject, pattern, pattern.length);
  if (!nocase && special === pattern.length - 1 && pattern[special] === STAR) {
    const prefix = special;
    const shortest = Math.max(prefix, 1); // Redis: "*" does not match an empty subject
    return (subject) => subject.length >= shortest && equalBytes(subject, pattern, prefix);
  }
  return (subject) => globMatch(pattern, subject, nocase);
}

/** Whether the first `n` bytes of `a` equal those of `b` (and `a` is exactly `n` long when `b` is). */
function equalBytes(a: Uint8Array, b: Uint8Array, n: number): boolean {
  if (n === b.length && a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
