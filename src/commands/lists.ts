/**
 * List write commands: (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every List write commands command, declared once. */
export const listCommands: readonly CommandSpec[] = [];
