// Minimal RESP2 helpers for the test support code (independent of the library under test on purpose).
import { Buffer } from "node:buffer";
import net from "node:net";

export type RespValue = string | number | null | Buffer | RespValue[] | RespError;

export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RespError";
  }
}

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(args: ReadonlyArray<string | Uint8Array | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string"
      ? Buffer.from(a, "utf8")
      : typeof a === "number"
      ? Buffer.from(String(a))
      : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/**
 * Incremental parser for commands a client sends: RESP arrays of bulk strings (`*n\r\n$len\r\n...`) or
 * inline commands (`PING\r\n`). Bytes may be split anywhere across push() calls.
 */
export class RespCommandParser {
  private buf: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every command completed by them (each argument as raw bytes). */
  push(chunk: Uint8Array): Buffer[][] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: Buffer[][] = [];
    for (;;) {
      const r = this.parseOne();
      if (r === undefined) break;
      if (r.length > 0) out.push(r);
    }
    return out;
  }

  /** Bytes received but not yet part of a complete command. */
  get pending(): number {
    return this.buf.length;
  }

  private parseOne(): Buffer[] | undefined {
    const b = this.buf;
    if (b.length === 0) return undefined;
    if (b[0] !== 0x2a /* '*' */) {
      // inline command
      const nl = b.indexOf(0x0a);
      if (nl < 0) return undefined;
      const line = b.subarray(0, nl > 0 && b[nl - 1] === 0x0d ? nl - 1 : nl).toString("latin1");
      this.buf = b.subarray(nl + 1);
      return line.split(/\s+/).filter((s) => s.length > 0).map((s) => Buffer.from(s, "latin1"));
    }
    let pos = 0;
    const readLine = (): string | undefined => {
      const end = b.indexOf("\r\n", pos);
      if (end < 0) return undefined;
      const s = b.subarray(pos, end).toString("latin1");
      pos = end + 2;
      return s;
    };
    const head = readLine();
    if (head === undefined) return undefined;
    const n = Number.parseInt(head.slice(1), 10);
    if (!Number.isFinite(n)) throw new Error(`bad RESP array header ${JSON.stringify(head)}`);
    const args: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const h = readLine();
      if (h === undefined) return undefined;
      if (h[0] !== "$") throw new Error(`expected bulk string, got ${JSON.stringify(h)}`);
      const len = Number.parseInt(h.slice(1), 10);
      if (!(len >= 0)) throw new Error(`bad bulk length ${JSON.stringify(h)}`);
      if (b.length < pos + len + 2) return undefined;
      args.push(Buffer.from(b.subarray(pos, pos + len)));
      pos += len + 2;
    }
    this.buf = b.subarray(pos);
    return args;
  }
}

/** Incremental parser for server replies (RESP2). */
export class RespReplyParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): RespValue[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: RespValue[] = [];
    for (;;) {
      const r = this.parse(0);
      if (r === undefined) break;
      out.push(r.value);
      this.buf = this.buf.subarray(r.end);
    }
    return out;
  }

  private parse(pos: number): { value: RespValue; end: number } | undefined {
    const b = this.buf;
    if (pos >= b.length) return undefined;
    const end = b.indexOf("\r\n", pos);
    if (end < 0) return undefined;
    const type = String.fromCharCode(b[pos]);
    const line = b.subarray(pos + 1, end).toString("utf8");
    const next = end + 2;
    switch (type) {
      case "+":
        return { value: line, end: next };
      case "-":
        return { value: new RespError(line), end: next };
      case ":":
        return { value: Number(line), end: next };
      case "$": {
        const len = Number.parseInt(line, 10);
        if (len < 0) return { value: null, end: next };
        if (b.length < next + len + 2) return undefined;
        return { value: Buffer.from(b.subarray(next, next + len)), end: next + len + 2 };
      }
      case "*": {
        const n = Number.parseInt(line, 10);
        if (n < 0) return { value: null, end: next };
        const arr: RespValue[] = [];
        let p = next;
        for (let i = 0; i < n; i++) {
          const r = this.parse(p);
          if (r === undefined) return undefined;
          arr.push(r.value);
          p = r.end;
        }
        return { value: arr, end: p };
      }
      default:
        throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
    }
  }
}

/**
 * Sends one command on a fresh connection and resolves with the reply (a RespError reply is returned,
 * not thrown). Rejects on connection errors or timeout. The socket is always destroyed afterwards.
 */
export function rawCommand(
  port: number,
  args: ReadonlyArray<string | Uint8Array | number>,
  opts: { host?: string; timeoutMs?: number } = {},
): Promise<RespValue> {
  const host = opts.host ?? "127.0.0.1";
  const timeoutMs = opts.timeoutMs ?? 2000;
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host });
    const parser = new RespReplyParser();
    let done = false;
    const finish = (err: Error | null, value?: RespValue) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value as RespValue);
    };
    const timer = setTimeout(
      () => finish(new Error(`timeout after ${timeoutMs} ms waiting for ${String(args[0])} on ${host}:${port}`)),
      timeoutMs,
    );
    sock.on("connect", () => sock.write(encodeCommand(args)));
    sock.on("data", (d: Buffer) => {
      try {
        const vals = parser.push(d);
        if (vals.length > 0) finish(null, vals[0]);
      } catch (e) {
        finish(e as Error);
      }
    });
    sock.on("error", (e) => finish(e));
    sock.on(
      "close",
      () => finish(new Error(`connection to ${host}:${port} closed before a reply to ${String(args[0])}`)),
    );
  });
}

/** Parses an INFO reply body into key/value pairs (section headers and blank lines skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
