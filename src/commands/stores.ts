/**
 * Commands that store a computed result: SINTERSTORE/SUNIONSTORE/SDIFFSTORE, ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE, ZRANGESTORE, SORT STORE (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every Commands that store a computed result command, declared once. */
export const storeCommands: readonly CommandSpec[] = [];
