/**
 * The text form of an {@linkcode InspectReport}: sections of aligned lines,
 * for people (the `--json` form is the report itself).
 *
 * @module
 */

import { formatBytes, formatCount, formatDuration, quoteText } from "./format.ts";
import type { BigKey, InspectReport } from "./rdb_inspector.ts";

/** Width of the section names. */
const HEAD = 12;

/**
 * Renders a report as lines of text (ending with a newline).
 *
 * @example
 * ```ts ignore
 * io.stdout.write(renderInspectText(await inspectRdbFile("dump.rdb")));
 * ```
 */
export function renderInspectText(report: InspectReport): string {
  const lines: string[] = [];
  const line = (head: string, text: string) => lines.push(`${head.padEnd(HEAD)}${text}`);
  line("file", `${report.file} (${formatBytes(report.fileBytes)})`);
  line("format", format(report));
  const expires = report.databases.reduce((n, db) => n + db.expires, 0);
  line(
    "keys",
    `${formatCount(report.keys)} in ${plural(report.databases.length, "database")}` +
      (expires > 0 ? `, ${formatCount(expires)} with a TTL` : ""),
  );
  if (report.keys > 0) line("types", counts(report.types));
  if (Object.keys(report.encodings).length > 0) line("encodings", counts(report.encodings));
  if (Object.keys(report.skipped).length > 0) {
    line("skipped", `${counts(report.skipped)} (not decoded: kept as placeholders, type and TTL only)`);
  }
  const other = extras(report);
  if (other !== "") line("also", other);
  if (Object.keys(report.aux).length > 0) {
    lines.push("", "aux fields");
    const width = Math.max(...Object.keys(report.aux).map((k) => k.length)) + 2;
    for (const [name, value] of Object.entries(report.aux)) {
      lines.push(`  ${name.padEnd(width)}${auxValue(name, value)}`);
    }
  }
  if (report.databases.length > 0) {
    lines.push("", "databases");
    for (const db of report.databases) {
      const ttl = db.expires > 0 ? `, ${formatCount(db.expires)} with a TTL` : "";
      lines.push(`  db ${String(db.db).padEnd(6)}${plural(db.keys, "key")}${ttl}: ${counts(db.types)}`);
    }
  }
  if (report.biggest.length > 0) {
    lines.push("", `biggest keys (bytes of key and value data)`);
    lines.push(...biggestTable(report.biggest));
  }
  lines.push("", `read in ${formatDuration(report.elapsedMs)}`);
  return lines.join("\n") + "\n";
}

function format(report: InspectReport): string {
  const parts = [`${report.magic} version ${report.version}`];
  if (report.compression !== null) parts.push(`${report.compression}-compressed`);
  parts.push(report.checksumVerified ? "checksum verified" : "no checksum");
  return parts.join(", ");
}

/** Records that are neither keys nor AUX fields, when there are any. */
function extras(report: InspectReport): string {
  const parts: string[] = [];
  if (report.functions > 0) parts.push(plural(report.functions, "function library", "function libraries"));
  if (report.emptyKeysSkipped > 0) parts.push(`${plural(report.emptyKeysSkipped, "empty collection")} skipped`);
  const moduleAux = Object.entries(report.moduleAux);
  if (moduleAux.length > 0) parts.push(`module aux: ${counts(report.moduleAux)}`);
  if (Object.keys(report.keyMeta).length > 0) parts.push(`key metadata: ${counts(report.keyMeta)}`);
  return parts.join(", ");
}

/** `ctime` and `aof-base`-like fields read as numbers; a unix time is shown as a date as well. */
function auxValue(name: string, value: string): string {
  if (name === "ctime" && /^\d+$/.test(value)) return `${value} (${new Date(Number(value) * 1000).toISOString()})`;
  if (name === "used-mem" && /^\d+$/.test(value)) return `${value} (${formatBytes(Number(value))})`;
  return value;
}

/** `string 12, hash 3`, biggest count first. */
function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, n]) => `${name} ${formatCount(n)}`)
    .join(", ");
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function biggestTable(keys: readonly BigKey[]): string[] {
  const rows = keys.map((k) => [
    String(k.db),
    k.type,
    k.encoding,
    formatBytes(k.bytes),
    k.elements === null ? "" : formatCount(k.elements),
    k.keyBase64 === undefined ? quoteText(k.key) : `${quoteText(k.key)} (base64 ${k.keyBase64})`,
  ]);
  const header = ["db", "type", "encoding", "size", "elements", "key"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = new Set([0, 3, 4]);
  const render = (cells: string[]) =>
    "  " + cells.map((c, i) => i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))
      .join("  ");
  return [render(header), ...rows.map(render)];
}
