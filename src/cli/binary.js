// Entry point of the compiled `veidrodelis` binary (`bun build --compile`, see build.ts --binary). Bun only.
//
// wasmoon (Lua) reads its glue.wasm from its package folder at run time, which a binary copied to another machine
// does not have: `with { type: "file" }` embeds the file in the binary and gives its path inside it, which the Lua
// engine loads instead. JavaScript rather than TypeScript: `deno check` cannot load a wasm import.
import process from "node:process";
import glueWasm from "../../node_modules/wasmoon/dist/glue.wasm" with { type: "file" };
import { runCli } from "./cli.ts";
import { exitAfterOutput } from "./exit.ts";
import { processIo } from "./io.ts";

await exitAfterOutput(await runCli(process.argv.slice(2), processIo(), { luaWasmFile: glueWasm }));
