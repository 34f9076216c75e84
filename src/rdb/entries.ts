/**
 * The shared shape of the compact-encoding readers (listpack, ziplist, intset,
 * zipmap): a cursor over the elements of one blob, yielding each element as
 * bytes (integers as their decimal text, exactly as Redis returns them) or as
 * a score.
 *
 * @module
 */

import { RdbError } from "../errors.ts";
import { intText, parseScoreText } from "./bytes.ts";

/**
 * A forward-only cursor over the elements of a compact blob.
 * `next()` validates and steps over one element; the accessors describe it.
 */
export interface EntryCursor {
  /** Advance to the next element; false at the end (after validating the terminator). */
  next(): boolean;
  /** The current element's bytes (a view into the blob for strings; owned for integers). */
  bytes(): Uint8Array;
  /** The current element as a number (integers exactly; strings parsed as a score). */
  number(): number;
  /** Elements stepped over so far. */
  readonly count: number;
  /** True when the current element is stored as an integer (not a string). */
  readonly isInteger: boolean;
}

/**
 * Base of the cursors whose elements are either a byte range of the blob or
 * an integer: holds the current element and implements the accessors.
 */
export abstract class IntOrBytesCursor implements EntryCursor {
  /** Elements stepped over so far. */
  count = 0;
  /** True when the current element is an integer (`int` or `intBytes`). */
  protected isInt = false;
  /** The current integer when it is a safe number. */
  protected int = 0;
  /** Exact text of an integer outside the safe range, else null. */
  protected bigText: Uint8Array | null = null;
  /** Byte range of the current string element. */
  protected sStart = 0;
  protected sEnd = 0;

  constructor(
    /** The blob. */
    protected readonly buf: Uint8Array,
    /** Absolute RDB offset of `buf[0]`, for error reports. */
    protected readonly base: number,
    /**
     * False when `buf` is not a byte range of the RDB (an LZF-decompressed
     * blob): errors then report `base` itself, the start of the compressed
     * string, since positions inside the blob have no offset in the input.
     */
    protected readonly exact = true,
  ) {}

  abstract next(): boolean;

  /** True when the current element is stored as an integer (not a string). */
  get isInteger(): boolean {
    return this.isInt;
  }

  bytes(): Uint8Array {
    if (!this.isInt) return this.buf.subarray(this.sStart, this.sEnd);
    return this.bigText ?? intText(this.int);
  }

  number(): number {
    if (this.isInt) return this.bigText ? Number(String.fromCharCode(...this.bigText)) : this.int;
    const v = parseScoreText(this.buf, this.sStart, this.sEnd);
    if (v === undefined) throw this.corrupt("element is not a valid score", this.sStart);
    return v;
  }

  /** A CORRUPT error at a position of the blob. */
  protected corrupt(what: string, at: number): RdbError {
    if (this.exact) return new RdbError("CORRUPT", `${this.kind}: ${what}`, this.base + at);
    return new RdbError("CORRUPT", `${this.kind}: ${what} (at ${at} of the decompressed blob)`, this.base);
  }

  /** Name of the encoding, for messages. */
  protected abstract readonly kind: string;
}
