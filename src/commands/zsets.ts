/**
 * Sorted-set write commands: (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every Sorted-set write commands command, declared once. */
export const zsetCommands: readonly CommandSpec[] = [];
