/**
 * The "database" behind the cache: an in-memory table that answers slowly,
 * standing in for the SQL query or remote call a cache exists to avoid.
 *
 * @module
 */

/** A product. */
export interface Item {
  /** Identifier (also the URL segment). */
  id: string;
  /** Display name. */
  name: string;
  /** Price in cents (integers: no rounding surprises). */
  priceCents: number;
  /** Units in stock. */
  stock: number;
}

/** What the service needs of its source of truth. */
export interface ItemDatabase {
  /** The item, or null when there is none with this id. */
  load(id: string): Promise<Item | null>;
  /** Inserts or replaces the item. */
  save(item: Item): Promise<void>;
}

/** Latencies of a {@linkcode SlowDatabase}. */
export interface SlowDatabaseOptions {
  /** Time a load takes, in ms (default 50). */
  loadDelayMs?: number;
  /** Time a save takes, in ms (default 10). */
  saveDelayMs?: number;
}

/** A few items to start with. */
export const SAMPLE_ITEMS: readonly Item[] = [
  { id: "1", name: "Pocket mirror", priceCents: 1299, stock: 40 },
  { id: "2", name: "Brass compass", priceCents: 3450, stock: 12 },
  { id: "3", name: "Linen notebook", priceCents: 899, stock: 230 },
  { id: "4", name: "Fountain pen", priceCents: 5900, stock: 7 },
];

/**
 * An in-memory table with a delay on every call; counts its loads so one
 * can see how many requests the cache kept away from it.
 *
 * @example
 * ```ts ignore
 * const database = new SlowDatabase(SAMPLE_ITEMS, { loadDelayMs: 50 });
 * await database.load("1"); // after 50 ms: { id: "1", name: "Pocket mirror", ... }
 * database.loads; // 1
 * ```
 */
export class SlowDatabase implements ItemDatabase {
  readonly #rows = new Map<string, Item>();
  readonly #loadDelayMs: number;
  readonly #saveDelayMs: number;
  /** Loads served so far. */
  loads = 0;

  /** A table holding copies of `items`. */
  constructor(items: Iterable<Item> = SAMPLE_ITEMS, options: SlowDatabaseOptions = {}) {
    for (const item of items) this.#rows.set(item.id, { ...item });
    this.#loadDelayMs = options.loadDelayMs ?? 50;
    this.#saveDelayMs = options.saveDelayMs ?? 10;
  }

  /** The row as it is when the query starts, delivered after the delay (as a real query's snapshot would be). */
  async load(id: string): Promise<Item | null> {
    this.loads++;
    const row = this.#rows.get(id);
    const copy = row === undefined ? null : { ...row };
    await sleep(this.#loadDelayMs);
    return copy;
  }

  /** Stores a copy of the item, after the delay. */
  async save(item: Item): Promise<void> {
    await sleep(this.#saveDelayMs);
    this.#rows.set(item.id, { ...item });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
