/**
 * Write commands: the table and its types.
 *
 * @module
 */
export { arityAccepts, commandList, lookupCommand } from "./table.ts";
export { CommandError, printableCommand } from "./args.ts";
export type { ApplyContext, CommandKind, CommandSpec, KeyPositions } from "./spec.ts";
