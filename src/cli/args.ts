/**
 * Command-line arguments: options declared once (name, value placeholder,
 * help line) serve both parsing and `--help`. Parsing knows no command: it
 * takes the declarations of the command being run.
 *
 * @module
 */

import { UsageError } from "./failure.ts";

/** One option of a command. */
export interface OptionSpec {
  /** Long name without dashes (`"json"` for `--json`). */
  readonly name: string;
  /** One-letter alias without the dash (`"h"` for `-h`). */
  readonly short?: string;
  /** Placeholder of the option's value (`"N"`, `"FILE"`); absent for a flag without value. */
  readonly value?: string;
  /** True when the option may be given several times (each value is kept, in order). */
  readonly repeat?: boolean;
  /** One line for `--help`. */
  readonly help: string;
}

/** What the command line said: option values by long name, and the positional arguments. */
export interface ParsedArgs {
  /** Values of the options given: `true` for a flag, the values in order for one taking a value. */
  readonly options: ReadonlyMap<string, true | readonly string[]>;
  /** Arguments that are not options, in order (everything after `--` is one). */
  readonly positionals: readonly string[];
}

/**
 * Parses `argv` against `specs`: `--name value`, `--name=value`, `-n value`,
 * flags (`--json`), and `--` to end the options. Unknown options, a missing
 * value and a repeated single option throw {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * const args = parseArgs(["dump.rdb", "--top", "5", "--json"], [
 *   { name: "top", value: "N", help: "keys listed" },
 *   { name: "json", help: "JSON output" },
 * ]);
 * console.log(args.positionals, args.options.get("top")); // ["dump.rdb"] ["5"]
 * ```
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const options = new Map<string, true | string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // "-" alone (stdin by convention) and negative numbers are positionals, not options
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const written = eq === -1 ? arg : arg.slice(0, eq);
    const spec = findSpec(written, specs);
    if (spec.value === undefined) {
      if (eq !== -1) throw new UsageError(`option ${written} takes no value`);
      if (options.has(spec.name) && !spec.repeat) throw new UsageError(`option --${spec.name} is given twice`);
      options.set(spec.name, true);
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else throw new UsageError(`option ${written} needs a value (${spec.value})`);
    const values = options.get(spec.name);
    if (Array.isArray(values)) {
      if (!spec.repeat) throw new UsageError(`option --${spec.name} is given twice`);
      values.push(value);
    } else {
      options.set(spec.name, [value]);
    }
  }
  return { options, positionals };
}

function findSpec(written: string, specs: readonly OptionSpec[]): OptionSpec {
  const spec = written.startsWith("--")
    ? specs.find((s) => s.name === written.slice(2))
    : specs.find((s) => s.short !== undefined && s.short === written.slice(1));
  if (spec === undefined) throw new UsageError(`unknown option ${written}`);
  return spec;
}

/**
 * The value of a single option, or undefined when it was not given.
 *
 * @example
 * ```ts
 * import { optionValue, parseArgs } from "./args.ts";
 * const args = parseArgs(["--top", "5"], [{ name: "top", value: "N", help: "" }]);
 * console.log(optionValue(args, "top")); // "5"
 * ```
 */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  const values = args.options.get(name);
  return Array.isArray(values) ? values[values.length - 1] : undefined;
}

/**
 * Every value of a repeatable option, in the order given.
 *
 * @example
 * ```ts
 * import { optionValues, parseArgs } from "./args.ts";
 * const args = parseArgs(["--read", "get a", "--read", "get b"], [{ name: "read", value: "R", repeat: true, help: "" }]);
 * console.log(optionValues(args, "read")); // ["get a", "get b"]
 * ```
 */
export function optionValues(args: ParsedArgs, name: string): readonly string[] {
  const values = args.options.get(name);
  return Array.isArray(values) ? values : [];
}

/**
 * True when a flag was given.
 *
 * @example
 * ```ts
 * import { hasFlag, parseArgs } from "./args.ts";
 * console.log(hasFlag(parseArgs(["--json"], [{ name: "json", help: "" }]), "json")); // true
 * ```
 */
export function hasFlag(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

/**
 * An option's value as a whole number of at least `min`, or `fallback` when it was not given.
 *
 * @example
 * ```ts
 * import { integerOption, parseArgs } from "./args.ts";
 * const args = parseArgs(["--top", "5"], [{ name: "top", value: "N", help: "" }]);
 * console.log(integerOption(args, "top", 10, 0)); // 5
 * ```
 */
export function integerOption(args: ParsedArgs, name: string, fallback: number, min: number): number {
  const text = optionValue(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return n;
}

/**
 * The help lines of `specs`, aligned: `  -h, --help          show this help`.
 *
 * @example
 * ```ts
 * import { optionHelp } from "./args.ts";
 * console.log(optionHelp([{ name: "top", value: "N", help: "keys listed (default 10)" }]));
 * ```
 */
export function optionHelp(specs: readonly OptionSpec[]): string {
  const heads = specs.map((s) => {
    const long = `--${s.name}${s.value === undefined ? "" : ` <${s.value}>`}`;
    return s.short === undefined ? `    ${long}` : `-${s.short}, ${long}`;
  });
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return specs.map((s, i) => `  ${heads[i].padEnd(width)}${s.help}`).join("\n");
}
