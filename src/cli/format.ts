/**
 * Numbers for people: byte sizes, counts with thousands separators,
 * durations, and keys printed so that any byte is visible.
 *
 * @module
 */

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/**
 * A byte count with a binary unit: `512 B`, `1.5 KiB`, `12.3 MiB`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./format.ts";
 * console.log(formatBytes(1536)); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

/**
 * A count with thousands separators (`1,234,567`), whatever the locale.
 *
 * @example
 * ```ts
 * import { formatCount } from "./format.ts";
 * console.log(formatCount(1234567)); // "1,234,567"
 * ```
 */
export function formatCount(n: number): string {
  const whole = Math.round(n);
  const digits = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return whole < 0 ? `-${digits}` : digits;
}

/**
 * A duration: `850 ms`, `3.2 s`, `4 min 05 s`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./format.ts";
 * console.log(formatDuration(3200)); // "3.2 s"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes as a quoted string, as `redis-cli` shows them: printable ASCII as
 * is, `\n`, `\"` and `\\` escaped, anything else (invalid UTF-8 included)
 * as `\xNN`; valid UTF-8 text is kept readable.
 *
 * @example
 * ```ts
 * import { quoteBytes } from "./format.ts";
 * console.log(quoteBytes(new Uint8Array([104, 105, 0, 255]))); // "hi\x00\xff" in quotes
 * ```
 */
export function quoteBytes(bytes: Uint8Array): string {
  let text: string | null = null;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = null;
  }
  if (text !== null) return quoteText(text);
  let out = '"';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? escapeChar(String.fromCharCode(b)) : hexEscape(b);
  return out + '"';
}

/**
 * Text in double quotes with control characters, quotes and backslashes escaped.
 *
 * @example
 * ```ts
 * import { quoteText } from "./format.ts";
 * console.log(quoteText('say "hi"\n')); // "say \"hi\"\n" in quotes
 * ```
 */
export function quoteText(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f ? namedEscape(code) : escapeChar(ch);
  }
  return out + '"';
}

function escapeChar(ch: string): string {
  return ch === '"' || ch === "\\" ? `\\${ch}` : ch;
}

function namedEscape(code: number): string {
  switch (code) {
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    default:
      return hexEscape(code);
  }
}

function hexEscape(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, "0")}`;
}
