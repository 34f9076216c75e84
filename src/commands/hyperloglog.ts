/**
 * HyperLogLog write commands: PFADD, PFMERGE, PFCOUNT (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every HyperLogLog write commands command, declared once. */
export const hyperloglogCommands: readonly CommandSpec[] = [];
