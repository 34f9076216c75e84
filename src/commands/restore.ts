/**
 * RESTORE: (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every RESTORE command, declared once. */
export const restoreCommands: readonly CommandSpec[] = [];
