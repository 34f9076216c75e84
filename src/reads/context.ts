/**
 * What every read receives and how a read is declared: the context (store,
 * database, policies), argument kinds (used to convert arguments from Lua
 * and read transactions), and the lookups reads share.
 *
 * @module
 */

import { type KeyInput, type Store, ValueType } from "../_wasm/store.ts";
import { WrongTypeError } from "../errors.ts";

/** A key: a string (UTF-8 encoded) or raw bytes. */
export type { KeyInput };

/**
 * Results are strings by default, or bytes from a bytes reader.
 *
 * @example
 * ```ts
 * import { Mirror, type Reader, type Text } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const sizeOf = <T extends Text>(reader: Reader<T>, key: string): number => reader.strlen(key);
 * console.log(sizeOf(mirror, "k"), sizeOf(mirror.asBytes, "k")); // 0 0
 * await mirror.close();
 * ```
 */
export type Text = string | Uint8Array;

/**
 * What every read implementation receives: the store, database and policies of its reader.
 *
 * @example
 * ```ts
 * import { Mirror, type ReadContext } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const where = (ctx: ReadContext) => `db ${ctx.database}, ${ctx.bytes ? "bytes" : "strings"}`;
 * console.log(where(mirror.db(2).asBytes)); // "db 2, bytes"
 * await mirror.close();
 * ```
 */
export interface ReadContext {
  /**
   * The live store (internal: the read implementations' access to the
   * projection, not part of the public API).
   *
   * @ignore
   */
  readonly store: Store;
  /** The reader's database. */
  readonly database: number;
  /** True for readers returning bytes. */
  readonly bytes: boolean;
  /**
   * True when the caller copies byte results at once (the Lua bridge): a
   * string value may then be a view into the store, valid until its next
   * write. Absent: false.
   */
  readonly borrowed?: boolean;
  /** True when keys whose TTL passed stay visible. */
  readonly showExpired: boolean;
  /** The clock (unix ms) used to hide expired keys. */
  now(): number;
}

/**
 * Kinds of read arguments: how Lua scripts and read transactions have their
 * arguments checked and converted before `run` sees them. A trailing `?`
 * makes the argument optional (only at the end).
 *
 * - `key`: a key (string or bytes); `keys`: the rest of the arguments, keys;
 *   `keyList`: one argument that is an array of keys (`zunion([k1, k2], …)`).
 * - `value`: a member, field, element or pattern (string or bytes);
 *   `values`: the rest of the arguments, values.
 * - `int`: an integer; `number`: any double, `Infinity` included.
 * - `bound`: a score bound, a number or Redis's text form (`"(1.5"`,
 *   `"-inf"`, `"+inf"`); `lex`: a lex bound (`"[a"`, `"(a"`, `"-"`, `"+"`).
 * - `options`: a plain object of named options (always last).
 */
export type ArgKind =
  | "key"
  | "keys"
  | "keyList"
  | "value"
  | "values"
  | "int"
  | "number"
  | "bound"
  | "lex"
  | "options"
  | "key?"
  | "value?"
  | "int?"
  | "number?"
  | "options?";

/** The declaration of one read. */
export interface ReadDef {
  /** Argument kinds in order; "keys" and "values" take the rest. */
  args: readonly ArgKind[];
  /** The Redis command this read answers as, with the form used ("ZRANGE … BYSCORE"); "" when Redis has none. */
  redis: string;
  /** Runs the read. */
  run(ctx: ReadContext, ...args: any[]): unknown;
}

/** Finds `key`, hiding it when its TTL has passed (as a Redis replica does for reads). */
export function findLive(ctx: ReadContext, key: KeyInput): number {
  const store = ctx.store;
  const type = store.find(ctx.database, key);
  if (type === ValueType.none || ctx.showExpired) return type;
  const at = store.foundExpireAt;
  return at !== -1 && at <= ctx.now() ? ValueType.none : type;
}

/**
 * The declarations of a group of reads: one {@linkcode ReadDef} per method
 * of `Methods` (TypeScript keeps the two in step).
 */
export type ReadTable<Methods> = { readonly [K in keyof Methods]: ReadDef };

/** Finds a string key: false when missing (or expired), WrongTypeError for another type. */
export function findString(ctx: ReadContext, key: KeyInput): boolean {
  return findOfType(ctx, key, ValueType.string, "string");
}

/**
 * Finds a key of one type (`name` as Redis names it): false when missing (or
 * expired), WrongTypeError for another type. The lookup every typed read starts with.
 */
export function findOfType(ctx: ReadContext, key: KeyInput, type: number, name: string): boolean {
  const found = findLive(ctx, key);
  if (found === ValueType.none) return false;
  if (found !== type) throw new WrongTypeError(name, ctx.store.foundTypeName());
  return true;
}

/** The found string value, as a string or as bytes by the reader's form. */
export function foundText(ctx: ReadContext): Text {
  if (!ctx.bytes) return ctx.store.foundString();
  return ctx.borrowed ? ctx.store.foundBytesView() : ctx.store.foundBytes();
}

/** Finds `key` and reports its remaining TTL in ms: -2 missing, -1 none. */
export function remaining(ctx: ReadContext, key: KeyInput): number {
  const type = findLive(ctx, key);
  if (type === ValueType.none) return -2;
  const at = ctx.store.foundExpireAt;
  return at === -1 ? -1 : Math.max(0, at - ctx.now());
}

const decoder = new TextDecoder();

/**
 * UTF-8 decoding of one member, field or value (invalid bytes become
 * U+FFFD): the one place the collection reads decode. (An ASCII fast path
 * was measured: no clear gain on Node, where its cons strings cost later.)
 */
export function decodeText(item: Uint8Array): string {
  return decoder.decode(item);
}

/** The items as the reader's text form: decoded in place to strings, or left as bytes. */
export function asTexts(ctx: ReadContext, items: Uint8Array[]): Text[] {
  if (ctx.bytes) return items;
  const out = items as unknown as Text[];
  for (let i = 0; i < items.length; i++) out[i] = decodeText(items[i]);
  return out;
}

/** One item as the reader's text form. */
export function asText(ctx: ReadContext, item: Uint8Array): Text {
  return ctx.bytes ? item : decodeText(item);
}
