/**
 * Set write commands: (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every Set write commands command, declared once. */
export const setCommands: readonly CommandSpec[] = [];
