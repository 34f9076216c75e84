/**
 * RESP encoding of the few commands a replica sends.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Encodes a command as a RESP array of bulk strings.
 *
 * @example
 * ```ts
 * import { encodeCommand } from "./encode.ts";
 * encodeCommand(["REPLCONF", "ACK", "0"]); // *3\r\n$8\r\nREPLCONF\r\n...
 * ```
 */
export function encodeCommand(args: readonly (string | Uint8Array)[]): Uint8Array {
  const parts = args.map((a) => (typeof a === "string" ? encoder.encode(a) : a));
  let size = 0;
  const headers = parts.map((p) => {
    const h = encoder.encode(`$${p.length}\r\n`);
    size += h.length + p.length + 2;
    return h;
  });
  const head = encoder.encode(`*${parts.length}\r\n`);
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let at = head.length;
  for (let i = 0; i < parts.length; i++) {
    out.set(headers[i], at);
    at += headers[i].length;
    out.set(parts[i], at);
    at += parts[i].length;
    out[at++] = 13;
    out[at++] = 10;
  }
  return out;
}
