/**
 * Entry point of the `veidrodelis` command line, on every runtime:
 *
 *   node --import tsx src/cli/main.ts <command> …
 *   deno run -A src/cli/main.ts <command> …
 *   bun src/cli/main.ts <command> …
 *
 * (The compiled binary starts from src/cli/binary.js, which embeds Lua's wasm.)
 *
 * @module
 */

import process from "node:process";
import { runCli } from "./cli.ts";
import { exitAfterOutput } from "./exit.ts";
import { processIo } from "./io.ts";

await exitAfterOutput(await runCli(process.argv.slice(2), processIo()));
