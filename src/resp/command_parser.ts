/**
 * Streaming parser of the replication command stream: RESP arrays of bulk
 * strings, pushed in chunks split anywhere.
 *
 * State lives in fields, never in a retried parse: every byte is looked at
 * once. Arguments are zero-copy views of the pushed chunk when a bulk string
 * lies inside one chunk, and exactly-sized copies when it spans chunks, so
 * callers must hand in chunks they will not reuse.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";

/** Called once per complete command with its arguments and its size in bytes. */
export type CommandHandler = (args: Uint8Array[], size: number) => void;

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;

/** The largest bulk string a primary may send (Redis `proto-max-bulk-len` default). */
const MAX_BULK = 512 * 1024 * 1024;
/** The largest argument count accepted (Redis's own limit for multibulk). */
const MAX_ARGS = 1024 * 1024;

const enum State {
  ArrayStart,
  ArrayLen,
  ArrayLenLf,
  BulkStart,
  BulkLen,
  BulkLenLf,
  BulkData,
  BulkCr,
  BulkLf,
}

/**
 * Parses replicated commands from pushed chunks and counts every byte.
 *
 * @example
 * ```ts
 * import { RespCommandParser } from "./command_parser.ts";
 * const parser = new RespCommandParser((args, size) => console.log(args.length, size));
 * parser.push(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
 * ```
 */
export class RespCommandParser {
  #onCommand: CommandHandler;
  #state: State = State.ArrayStart;
  #number = 0;
  #digits = 0;
  #negative = false;
  #argc = 0;
  #args: Uint8Array[] = [];
  #bulk: Uint8Array = new Uint8Array(0);
  #bulkFilled = 0;
  #commandBytes = 0;
  #consumed = 0;
  #chunkBase = 0;
  readonly #errorBase: number;

  /** `errorBase` is added to the offsets errors report (the replication offset the stream starts at). */
  constructor(onCommand: CommandHandler, errorBase = 0) {
    this.#onCommand = onCommand;
    this.#errorBase = errorBase;
  }

  /** Bytes consumed so far, complete commands or not. */
  get consumed(): number {
    return this.#consumed;
  }

  /** True between commands: no partial command is buffered. */
  get idle(): boolean {
    return this.#state === State.ArrayStart;
  }

  /** Parses `chunk`, calling the handler for every command it completes. */
  push(chunk: Uint8Array): void {
    const end = chunk.length;
    this.#chunkBase = this.#consumed;
    let i = 0;
    while (i < end) {
      if (this.#state === State.ArrayStart) {
        i = this.#wholeCommands(chunk, i, end);
        if (i >= end) break;
      }
      const start = i;
      i = this.#step(chunk, i, end);
      this.#consumed += i - start;
      this.#commandBytes += i - start;
    }
  }

  /**
   * The fast path: parses the commands that lie whole in the chunk from
   * `i` on, with local state only. It stops at anything it does not take
   * (a command cut by the chunk's end, or a malformed one), leaving that
   * to the byte-at-a-time state machine, which reports errors precisely.
   * A command cut inside its arguments is handed over with the arguments
   * already complete, so no byte but a partial bulk header is read twice.
   * Returns the position it stopped at (a command boundary or a handover).
   */
  #wholeCommands(chunk: Uint8Array, i: number, end: number): number {
    const buffer = chunk.buffer, base = chunk.byteOffset;
    while (i < end && chunk[i] === STAR) {
      let p = i + 1, argc = 0, digits = 0;
      for (let c = chunk[p]; c >= 48 && c <= 57 && p < end; c = chunk[++p]) argc = argc * 10 + c - 48, digits++;
      if (p + 1 >= end || chunk[p] !== CR || chunk[p + 1] !== LF || digits === 0 || digits > 7) return i;
      if (argc < 1 || argc > MAX_ARGS) return i;
      p += 2;
      const args: Uint8Array[] = [];
      while (args.length < argc) {
        const header = p;
        if (p >= end || chunk[p] !== DOLLAR) return this.#handOver(i, header, argc, args);
        let len = 0;
        digits = 0;
        for (let c = chunk[++p]; c >= 48 && c <= 57 && p < end; c = chunk[++p]) len = len * 10 + c - 48, digits++;
        if (p + 1 >= end || chunk[p] !== CR || chunk[p + 1] !== LF || digits === 0 || digits > 12 || len > MAX_BULK) {
          return this.#handOver(i, header, argc, args);
        }
        const data = p + 2;
        if (data + len + 2 > end || chunk[data + len] !== CR || chunk[data + len + 1] !== LF) {
          return this.#handOver(i, header, argc, args);
        }
        args.push(len === 0 ? EMPTY : new Uint8Array(buffer, base + data, len));
        p = data + len + 2;
      }
      this.#onCommand(args, p - i);
      this.#consumed += p - i;
      i = p;
    }
    return i;
  }

  /**
   * Leaves a command whose argument at `header` the fast path did not take
   * to the state machine: with its complete arguments when there are any,
   * else from its first byte (only the array header is read twice then).
   */
  #handOver(start: number, header: number, argc: number, args: Uint8Array[]): number {
    if (args.length === 0) return start;
    this.#argc = argc;
    this.#args = args;
    this.#commandBytes = header - start;
    this.#state = State.BulkStart;
    this.#consumed += header - start;
    return header;
  }

  #step(chunk: Uint8Array, i: number, end: number): number {
    switch (this.#state) {
      case State.ArrayStart:
        if (chunk[i] !== STAR) this.#fail("expected '*' starting a command", chunk, i);
        this.#commandBytes = 0;
        this.#startNumber(State.ArrayLen);
        return i + 1;
      case State.ArrayLen:
      case State.BulkLen:
        return this.#readNumber(chunk, i, end);
      case State.ArrayLenLf:
        this.#expectLf(chunk, i);
        return this.#arrayHeaderDone(chunk, i) + 1;
      case State.BulkStart:
        if (chunk[i] !== DOLLAR) this.#fail("expected '$' starting a bulk string", chunk, i);
        this.#startNumber(State.BulkLen);
        return i + 1;
      case State.BulkLenLf:
        this.#expectLf(chunk, i);
        this.#bulkHeaderDone(chunk, i);
        return i + 1;
      case State.BulkData:
        return this.#readBulk(chunk, i, end);
      case State.BulkCr:
        if (chunk[i] !== CR) this.#fail("expected CR after bulk string", chunk, i);
        this.#state = State.BulkLf;
        return i + 1;
      case State.BulkLf:
        this.#expectLf(chunk, i);
        this.#argumentDone();
        return i + 1;
    }
  }

  #startNumber(next: State): void {
    this.#state = next;
    this.#number = 0;
    this.#digits = 0;
    this.#negative = false;
  }

  #readNumber(chunk: Uint8Array, i: number, end: number): number {
    while (i < end) {
      const c = chunk[i];
      if (c >= 48 && c <= 57) {
        this.#number = this.#number * 10 + (c - 48);
        if (++this.#digits > 12) this.#fail("length too long", chunk, i);
      } else if (c === 45 && this.#digits === 0 && !this.#negative) {
        this.#negative = true;
      } else if (c === CR && this.#digits > 0) {
        this.#state = this.#state === State.ArrayLen ? State.ArrayLenLf : State.BulkLenLf;
        return i + 1;
      } else {
        this.#fail("malformed length", chunk, i);
      }
      i++;
    }
    return i;
  }

  #expectLf(chunk: Uint8Array, i: number): void {
    if (chunk[i] !== LF) this.#fail("expected LF", chunk, i);
  }

  #arrayHeaderDone(chunk: Uint8Array, i: number): number {
    if (this.#negative || this.#number < 1 || this.#number > MAX_ARGS) {
      this.#fail(`invalid command length ${this.#negative ? "-" : ""}${this.#number}`, chunk, i);
    }
    this.#argc = this.#number;
    this.#args = [];
    this.#state = State.BulkStart;
    return i;
  }

  #bulkHeaderDone(chunk: Uint8Array, i: number): void {
    if (this.#negative || this.#number > MAX_BULK) this.#fail(`invalid bulk length`, chunk, i);
    this.#bulk = EMPTY;
    this.#bulkFilled = 0;
    this.#state = this.#number === 0 ? State.BulkCr : State.BulkData;
  }

  #readBulk(chunk: Uint8Array, i: number, end: number): number {
    const want = this.#number - this.#bulkFilled;
    const available = end - i;
    if (this.#bulkFilled === 0 && available >= want) {
      this.#bulk = chunk.subarray(i, i + want);
      this.#bulkFilled = want;
      this.#state = State.BulkCr;
      return i + want;
    }
    if (this.#bulkFilled === 0) this.#bulk = new Uint8Array(this.#number);
    const take = Math.min(want, available);
    this.#bulk.set(chunk.subarray(i, i + take), this.#bulkFilled);
    this.#bulkFilled += take;
    if (this.#bulkFilled === this.#number) this.#state = State.BulkCr;
    return i + take;
  }

  #argumentDone(): void {
    this.#args.push(this.#bulk);
    if (this.#args.length < this.#argc) {
      this.#state = State.BulkStart;
      return;
    }
    this.#state = State.ArrayStart;
    const args = this.#args;
    this.#args = [];
    // +1: the final LF has not been added to the count yet when this runs.
    this.#onCommand(args, this.#commandBytes + 1);
  }

  #fail(message: string, chunk: Uint8Array, i: number): never {
    const excerpt = new TextDecoder().decode(chunk.subarray(Math.max(0, i - 8), i + 24));
    throw new ProtocolError(message, this.#errorBase + this.#chunkBase + i, excerpt);
  }
}

const EMPTY = new Uint8Array(0);
