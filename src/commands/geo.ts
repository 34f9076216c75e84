/**
 * Geo write commands: GEOADD, GEOSEARCHSTORE, GEORADIUS[BYMEMBER] STORE (to be written).
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Every Geo write commands command, declared once. */
export const geoCommands: readonly CommandSpec[] = [];
