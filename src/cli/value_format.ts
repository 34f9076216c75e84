/**
 * Results of reads as `redis-cli` shows replies (quoted strings, `(nil)`,
 * `(integer) 3`, numbered lists, `1# "field" => "value"` for maps), and as
 * JSON that keeps every value (bytes as base64, infinities as text).
 *
 * @module
 */

import { quoteBytes, quoteText } from "./format.ts";

/**
 * A read's result as `redis-cli` prints a reply (without final newline).
 *
 * @example
 * ```ts
 * import { formatValue } from "./value_format.ts";
 * console.log(formatValue(["a", null, 3])); // 1) "a"\n2) (nil)\n3) (integer) 3
 * ```
 */
export function formatValue(value: unknown): string {
  return lines(value, "").join("\n");
}

/** The lines of `value`; `indent` prefixes every line after the first (nested items line up under their parent). */
function lines(value: unknown, indent: string): string[] {
  if (value === null || value === undefined) return ["(nil)"];
  if (typeof value === "string") return [quoteText(value)];
  if (value instanceof Uint8Array) return [quoteBytes(value)];
  if (typeof value === "bigint") return [`(integer) ${value}`];
  if (typeof value === "number") return [Number.isInteger(value) ? `(integer) ${value}` : `(double) ${number(value)}`];
  if (typeof value === "boolean") return [`(${value})`];
  if (Array.isArray(value)) {
    if (value.length === 0) return ["(empty array)"];
    return numbered(value.map((item) => [") ", item]), indent);
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  if (entries.length === 0) return ["(empty map)"];
  return numbered(entries.map(([k, v]) => [`# ${formatKey(k)} => `, v]), indent);
}

/**
 * Items numbered from 1 (`1) `, `2# "f" => `), the numbers right-aligned;
 * an item's continuation lines line up after its own marker.
 */
function numbered(items: [string, unknown][], indent: string): string[] {
  const digits = String(items.length).length;
  const out: string[] = [];
  items.forEach(([suffix, item], i) => {
    const marker = `${String(i + 1).padStart(digits)}${suffix}`;
    const inner = lines(item, indent + " ".repeat(marker.length));
    out.push(`${i === 0 ? "" : indent}${marker}${inner[0]}`, ...inner.slice(1));
  });
  return out;
}

function formatKey(key: unknown): string {
  return typeof key === "string" ? quoteText(key) : formatValue(key);
}

function number(n: number): string {
  return n === Infinity ? "inf" : n === -Infinity ? "-inf" : String(n);
}

/**
 * A read's result as plain JSON data: bytes become `{ "base64": … }`,
 * bigints and infinities strings, Maps objects.
 *
 * @example
 * ```ts
 * import { toJson } from "./value_format.ts";
 * console.log(JSON.stringify(toJson([1.5, Infinity, new Uint8Array([255])]))); // [1.5,"inf",{"base64":"/w=="}]
 * ```
 */
export function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Uint8Array) {
    let binary = "";
    for (const b of value) binary += String.fromCharCode(b);
    return { base64: btoa(binary) };
  }
  if (typeof value === "bigint") return String(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : number(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), toJson(v)]));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}
