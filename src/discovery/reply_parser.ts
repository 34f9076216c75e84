/**
 * An incremental parser of RESP2 replies, for the few request/response
 * exchanges of discovery (Sentinel queries, `ROLE`, pub/sub messages). The
 * replication stream has its own, faster parser (src/resp/command_parser.ts).
 *
 * Bulk strings are decoded as UTF-8 text: every reply discovery reads is
 * text (addresses, role names, channel messages).
 *
 * @module
 */

/** An error reply (`-ERR ...`): a value, not a thrown error, so callers decide. */
export class ReplyError {
  /** The error line without the leading `-`. */
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** A RESP2 reply as discovery sees it. */
export type Reply = string | number | null | ReplyError | Reply[];

const CR = 13;
const LF = 10;
/** A longer header line is not RESP: stop instead of buffering without bound. */
const MAX_LINE = 64 * 1024;
/** Bulk strings discovery reads are tiny; a huge one means a wrong peer. */
const MAX_BULK = 16 * 1024 * 1024;

const decoder = new TextDecoder();

/**
 * Parses replies from chunks split anywhere.
 *
 * @example
 * ```ts
 * import { ReplyParser } from "./reply_parser.ts";
 * const parser = new ReplyParser();
 * const bytes = new TextEncoder().encode("*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n");
 * console.log(parser.push(bytes)); // [["127.0.0.1", "6379"]]
 * ```
 */
export class ReplyParser {
  #buffer: Uint8Array = new Uint8Array(0);

  /** Feeds bytes; returns every reply they complete. Throws on bytes that are not RESP2. */
  push(chunk: Uint8Array): Reply[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : concat(this.#buffer, chunk);
    const out: Reply[] = [];
    for (;;) {
      const parsed = this.#parse(0);
      if (parsed === undefined) break;
      out.push(parsed.value);
      this.#buffer = this.#buffer.subarray(parsed.end);
    }
    if (this.#buffer.length > MAX_BULK + MAX_LINE) throw new Error("RESP reply too large");
    return out;
  }

  /** Parses one value at `at`; undefined when more bytes are needed. */
  #parse(at: number): { value: Reply; end: number } | undefined {
    const b = this.#buffer;
    if (at >= b.length) return undefined;
    const lineEnd = findCrlf(b, at + 1);
    if (lineEnd < 0) {
      if (b.length - at > MAX_LINE) throw new Error("RESP header line too long");
      return undefined;
    }
    const line = decoder.decode(b.subarray(at + 1, lineEnd));
    const next = lineEnd + 2;
    switch (b[at]) {
      case 0x2b: // '+'
        return { value: line, end: next };
      case 0x2d: // '-'
        return { value: new ReplyError(line), end: next };
      case 0x3a: // ':'
        return { value: parseInteger(line), end: next };
      case 0x24: { // '$'
        const length = parseInteger(line);
        if (length < 0) return { value: null, end: next };
        if (length > MAX_BULK) throw new Error(`RESP bulk string of ${length} bytes`);
        if (b.length < next + length + 2) return undefined;
        return { value: decoder.decode(b.subarray(next, next + length)), end: next + length + 2 };
      }
      case 0x2a: { // '*'
        const count = parseInteger(line);
        if (count < 0) return { value: null, end: next };
        const items: Reply[] = [];
        let end = next;
        for (let i = 0; i < count; i++) {
          const item = this.#parse(end);
          if (item === undefined) return undefined;
          items.push(item.value);
          end = item.end;
        }
        return { value: items, end };
      }
      default:
        throw new Error(`not a RESP2 reply: type byte ${b[at]}`);
    }
  }
}

function findCrlf(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(CR, from); i >= 0; i = b.indexOf(CR, i + 1)) {
    if (i + 1 >= b.length) return -1;
    if (b[i + 1] === LF) return i;
  }
  return -1;
}

function parseInteger(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new Error(`not a RESP integer: ${JSON.stringify(text)}`);
  return Number(text);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
