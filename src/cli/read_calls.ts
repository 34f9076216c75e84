/**
 * One-shot reads typed on the command line: `--read "hgetall user:1"` is a
 * read of the library's read table (the methods of `mirror`) by name, its
 * words converted to the argument kinds the read declares.
 *
 * - Words are split like a shell's: `"double quotes"` (with `\"`, `\\`,
 *   `\n`, ASCII `\xNN` escapes) and `'single quotes'` (literal) keep spaces;
 *   a word starting with `{` is a JSON object, up to its closing brace.
 * - Names are case-insensitive (`GET`, `objectencoding`).
 * - Integers and numbers are parsed (`inf`, `-inf` too); score bounds are
 *   numbers or Redis's text form (`(1.5`); key lists are a JSON array or
 *   comma-separated (`a,b`; a JSON array in quotes); options are a JSON object (`{"withScores":true}`).
 *
 * @module
 */

import type { ArgKind } from "../reads/mod.ts";
import { readNames, readTable } from "../reads/mod.ts";
import type { ReadName } from "../read_tx.ts";
import { UsageError } from "./failure.ts";

/** A read parsed from the command line. */
export interface ParsedRead {
  /** What the user typed. */
  readonly text: string;
  /** The read's name in the read table. */
  readonly name: ReadName;
  /** Its arguments, converted to the kinds the read declares. */
  readonly args: readonly unknown[];
}

const byLowerName = new Map<string, ReadName>(readNames.map((name) => [name.toLowerCase(), name]));

/**
 * Parses one `--read` value into a read of the read table.
 *
 * @example
 * ```ts
 * import { parseRead } from "./read_calls.ts";
 * const read = parseRead('zrange board 0 -1 {"withScores":true}');
 * console.log(read.name, read.args); // "zrange" ["board", 0, -1, { withScores: true }]
 * ```
 */
export function parseRead(text: string): ParsedRead {
  const words = splitWords(text);
  if (words.length === 0) throw new UsageError("an empty --read");
  const name = byLowerName.get(words[0].toLowerCase());
  if (name === undefined) {
    throw new UsageError(`unknown read ${JSON.stringify(words[0])}: reads are the mirror's methods (get, hgetall, …)`);
  }
  const kinds = readTable[name].args;
  const last = kinds[kinds.length - 1];
  // "keys"/"values" (always last) take the rest; words past the declared kinds are passed as text
  // and the read table's own check reports the extra argument
  const kindAt = (i: number): ArgKind =>
    i < kinds.length ? kinds[i] : last === "keys" || last === "values" ? last : "value";
  const args = words.slice(1).map((word, i) => convert(word, kindAt(i), text, i));
  return { text, name, args };
}

function convert(word: string, kind: ArgKind, read: string, index: number): unknown {
  const fail = (what: string) =>
    new UsageError(`read ${JSON.stringify(read)}: argument ${index + 1} must be ${what}, not ${JSON.stringify(word)}`);
  switch (kind.replace("?", "")) {
    case "int": {
      const n = Number(word);
      if (!/^[+-]?\d+$/.test(word) || !Number.isSafeInteger(n)) throw fail("an integer");
      return n;
    }
    case "number": {
      const n = parseNumber(word);
      if (n === undefined) throw fail("a number");
      return n;
    }
    case "bound":
      return parseNumber(word) ?? word;
    case "keyList":
      return word.startsWith("[") ? parseJson(word, Array.isArray, fail, "a JSON array of keys") : word.split(",");
    case "options":
      return parseJson(word, isPlainObject, fail, 'a JSON object of options (e.g. {"withScores":true})');
    default:
      return word;
  }
}

/** A decimal number, or `inf`/`+inf`/`-inf`; undefined for anything else. */
function parseNumber(word: string): number | undefined {
  const lower = word.toLowerCase();
  if (lower === "inf" || lower === "+inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(word)) return undefined;
  return Number(word);
}

function parseJson(
  word: string,
  accept: (value: unknown) => boolean,
  fail: (what: string) => UsageError,
  what: string,
): unknown {
  let value: unknown;
  try {
    value = JSON.parse(word);
  } catch {
    throw fail(what);
  }
  if (!accept(value)) throw fail(what);
  return value;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Splits a line into words as a shell would: whitespace separates, double
 * quotes keep spaces and read `\"`, `\\`, `\n`, `\r`, `\t`, `\x00`–`\x7f`; single
 * quotes keep everything literally. A word starting with `{` is a JSON
 * object: it runs to its closing brace, quotes and spaces included.
 *
 * @example
 * ```ts
 * import { splitWords } from "./read_calls.ts";
 * console.log(splitWords(`hget "user 1" 'na"me'`)); // ["hget", "user 1", 'na"me']
 * ```
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === " " || ch === "\t" || ch === "\n") {
      if (word !== null) words.push(word);
      word = null;
    } else if (word === null && ch === "{") {
      // (not "[": lex bounds start with it)
      const end = jsonEnd(line, i);
      word = line.slice(i, end);
      i = end - 1;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new UsageError(`unbalanced quote in ${JSON.stringify(line)}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      const [text, end] = doubleQuoted(line, i + 1);
      word = (word ?? "") + text;
      i = end;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** Where the JSON object starting at `from` ends (after its closing bracket; the line's end if unclosed). */
function jsonEnd(line: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === "{" || ch === "[") {
      depth++;
    } else if ((ch === "}" || ch === "]") && --depth === 0) {
      return i + 1;
    }
  }
  return line.length;
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** The text of a double-quoted word starting at `from`, and the index of its closing quote. */
function doubleQuoted(line: string, from: number): [string, number] {
  let text = "";
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') return [text, i];
    if (ch !== "\\" || i + 1 >= line.length) {
      text += ch;
      continue;
    }
    const next = line[++i];
    if (next === "x" && /^[0-7][0-9a-fA-F]$/.test(line.slice(i + 1, i + 3))) {
      // ASCII only: a word is text, sent as UTF-8 (a byte above 0x7f would become two)
      text += String.fromCharCode(parseInt(line.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      text += ESCAPES[next] ?? `\\${next}`;
    }
  }
  throw new UsageError(`unbalanced quote in ${JSON.stringify(line)}`);
}
