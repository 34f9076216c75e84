// The README's table of reads (src/reads/docs.ts): signatures read from the read interfaces (overloads merged,
// optional and rest parameters, nested types), every read of the table described, the section replaced in place.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { READS_BEGIN, READS_END, readSignatures, readsMarkdown, withReadDocs } from "../../src/reads/docs.ts";
import { readNames, readTable } from "../../src/reads/mod.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const readsDir = path.join(here, "..", "..", "src", "reads");
const sources = () =>
  fs.readdirSync(readsDir).filter((f) => f.endsWith(".ts")).map((f) => fs.readFileSync(path.join(readsDir, f), "utf8"));

describe("read signatures", () => {
  test("parameters: optional, rest, nested object and generic types, comments, overloads", () => {
    const source = `
      /** Not read: not a ...Reads interface. */
      export interface FooOptions { a(x: number): void; }
      export interface DemoReads<T extends Text> {
        /** Doc with code: f(a, b) and a // comment-like text. */
        one(key: KeyInput): T | null;
        rest(key: KeyInput, ...members: KeyInput[]): (0 | 1)[];
        nested(key: KeyInput, options?: { limit?: { offset: number; count: number }; by?: "a" | "b" }): T[];
        generic<U extends Map<string, number>>(key: KeyInput, f: (a: U, b: number) => void): void;
        // overloads: the second adds parameters, which become optional
        pick(key: KeyInput): T | null;
        pick(key: KeyInput, count: number, options?: Record<string, boolean>): T[];
        readonly notAMethod: number;
      }`;
    const sigs = readSignatures([source]);
    assert.deepEqual([...sigs.keys()], ["one", "rest", "nested", "generic", "pick"]);
    assert.equal(sigs.get("one")?.signature, "one(key)");
    assert.equal(sigs.get("rest")?.signature, "rest(key, ...members)");
    assert.equal(sigs.get("nested")?.signature, "nested(key, options?)");
    assert.equal(sigs.get("generic")?.signature, "generic(key, f)");
    assert.equal(sigs.get("pick")?.signature, "pick(key, count?, options?)");
    assert.equal(sigs.get("pick")?.group, "DemoReads");
  });
  test("every read of the table has a signature and a row", () => {
    const markdown = readsMarkdown(sources());
    for (const name of readNames) {
      const redis = readTable[name].redis;
      const row = new RegExp(`^\\| \`${name}\\([^)]*\\)\` \\| ${redis === "" ? "—" : `\`${redis}\``} \\|$`, "m");
      assert.match(markdown, row, name);
    }
    assert.match(markdown, new RegExp(`${readNames.length} reads`));
  });
  test("a read without a signature is an error, not a silent gap", () => {
    assert.throws(() => readsMarkdown([], ["get"], readTable), /the read get has no signature/);
  });
  test("the section between the marks is replaced, the rest kept", () => {
    const readme = `# T\n\nbefore\n\n${READS_BEGIN}\nold table\n${READS_END}\n\nafter\n`;
    const next = withReadDocs(readme, sources())!;
    assert.ok(next.startsWith(`# T\n\nbefore\n\n${READS_BEGIN}\n`));
    assert.ok(next.endsWith(`${READS_END}\n\nafter\n`));
    assert.ok(!next.includes("old table"));
    assert.match(next, /\| `get\(key\)` \| `GET` \|/);
    assert.equal(withReadDocs("no marks", sources()), null);
  });
});
