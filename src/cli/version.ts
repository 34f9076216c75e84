/**
 * The version `veidrodelis --version` prints. A constant rather than a read
 * of package.json: a compiled binary has no package.json beside it (a test
 * keeps the two equal).
 *
 * @module
 */

/**
 * The package's version.
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.log(`veidrodelis ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
