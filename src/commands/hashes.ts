/**
 * Hash write commands: (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every Hash write commands command, declared once. */
export const hashCommands: readonly CommandSpec[] = [];
