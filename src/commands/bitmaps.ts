/**
 * Bitmap write commands: SETBIT, BITFIELD, BITOP (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every Bitmap write commands command, declared once. */
export const bitmapCommands: readonly CommandSpec[] = [];
