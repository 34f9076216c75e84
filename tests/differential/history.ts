/**
 * The recent replicated commands of each workload key, so that a mismatch
 * can be shown with the commands that led to it (what the mirror applied,
 * after the primary's rewriting).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { hex, printable } from "../_support/compare.ts";

const MAX_ARGS = 10;
const MAX_ARG_CHARS = 40;

/** Bounded per-key histories of replicated commands. */
export class KeyHistory {
  readonly #pool: Set<string>;
  readonly #limit: number;
  readonly #entries = new Map<string, string[]>();
  #units = 0;

  /** `keys`: the keys worth following (the workload's pools); `limit`: commands kept per key. */
  constructor(keys: readonly Uint8Array[], limit = 16) {
    this.#pool = new Set(keys.map(hex));
    this.#limit = limit;
  }

  /** Records a unit as the mirror applied it: `db` is the database selected when it started. */
  recordUnit(db: number, commands: readonly (readonly Uint8Array[])[]): void {
    const unit = ++this.#units;
    const tag = commands.length > 1 ? `unit ${unit} (MULTI)` : `unit ${unit}`;
    for (const args of commands) {
      const name = Buffer.from(args[0]).toString("latin1").toLowerCase();
      if (name === "select") {
        db = Number(Buffer.from(args[1]).toString("latin1"));
        continue;
      }
      this.#recordCommand(db, args, tag);
    }
  }

  #recordCommand(db: number, args: readonly Uint8Array[], tag: string): void {
    const name = Buffer.from(args[0]).toString("latin1").toLowerCase();
    const line = `${tag}, db ${db}: ${commandText(args)}`;
    if (name === "swapdb") return this.#swapDbs(Number(text(args[1])), Number(text(args[2])), line);
    if (name === "flushall") return this.#touchAll(() => true, line);
    if (name === "flushdb") return this.#touchAll((key) => key.startsWith(`${db}/`), line);
    // the other database a key reaches: MOVE key db, COPY src dst DB db
    let otherDb = -1;
    if (name === "move") otherDb = Number(text(args[2]));
    if (name === "copy") {
      const at = args.findIndex((a, i) => i > 2 && text(a).toLowerCase() === "db");
      if (at > 0 && at + 1 < args.length) otherDb = Number(text(args[at + 1]));
    }
    for (let i = 1; i < args.length; i++) {
      const id = hex(args[i]);
      if (!this.#pool.has(id)) continue;
      this.#add(`${db}/${id}`, line);
      if (otherDb >= 0 && otherDb !== db && (name === "move" ? i === 1 : i === 2)) this.#add(`${otherDb}/${id}`, line);
    }
  }

  #add(key: string, line: string): void {
    let lines = this.#entries.get(key);
    if (lines === undefined) this.#entries.set(key, lines = []);
    if (lines[lines.length - 1] === line) return; // a command naming the key twice
    lines.push(line);
    if (lines.length > this.#limit) lines.shift();
  }

  /** SWAPDB: each database's histories now belong to the other one. */
  #swapDbs(a: number, b: number, line: string): void {
    const moved = [...this.#entries].filter(([key]) => key.startsWith(`${a}/`) || key.startsWith(`${b}/`));
    for (const [key] of moved) this.#entries.delete(key);
    for (const [key, lines] of moved) {
      const [db, id] = key.split("/");
      this.#entries.set(`${Number(db) === a ? b : a}/${id}`, lines);
    }
    this.#touchAll((key) => key.startsWith(`${a}/`) || key.startsWith(`${b}/`), line);
  }

  #touchAll(which: (key: string) => boolean, line: string): void {
    for (const key of this.#entries.keys()) if (which(key)) this.#add(key, line);
  }

  /** The recorded commands naming `key` in `db`, oldest first. */
  of(db: number, key: Uint8Array): string[] {
    return this.#entries.get(`${db}/${hex(key)}`) ?? [];
  }
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("latin1");
}

/** A command as one short printable line. */
export function commandText(args: readonly Uint8Array[]): string {
  const shown = args.slice(0, MAX_ARGS).map((a) => {
    const text = printable(a.subarray(0, MAX_ARG_CHARS));
    return a.length > MAX_ARG_CHARS ? `${text}…(${a.length} bytes)` : text;
  });
  return shown.join(" ") + (args.length > MAX_ARGS ? ` … (${args.length} args)` : "");
}
