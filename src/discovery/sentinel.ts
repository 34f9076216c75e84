/**
 * The primary as Redis Sentinel knows it: asked before each connection,
 * followed through `+switch-master` events.
 *
 * It behaves as the Sentinel client guidelines describe
 * (https://redis.io/docs/latest/develop/reference/sentinel-clients/): ask the
 * sentinels in turn with `SENTINEL get-master-addr-by-name`, move the first
 * one that answers to the head of the list, and check with `ROLE` that the
 * address given really is a primary (a sentinel may lag behind a failover).
 *
 * @module
 */

import { AuthError, ConnectionError, VeidrodelisError } from "../errors.ts";
import { type Connector, defaultConnector, type Endpoint } from "../net/mod.ts";
import type { EndpointSource } from "./endpoints.ts";
import { type Reply, ReplyError } from "./reply_parser.ts";
import { messageOf, RespClient } from "./resp_client.ts";

/**
 * Where the sentinels are and which primary to follow (the mirror's `sentinels` option).
 *
 * @example
 * ```ts
 * import type { MirrorOptions, SentinelOptions } from "../../mod.ts";
 * const sentinels: SentinelOptions = {
 *   name: "mymaster",
 *   sentinels: [{ host: "10.0.0.1", port: 26379 }, { host: "10.0.0.2", port: 26379 }],
 * };
 * const options: MirrorOptions = { sentinels, password: "primary-secret" };
 * console.log(options.sentinels?.name);
 * // const mirror = await Mirror.connect(options);
 * ```
 */
export interface SentinelOptions {
  /** Addresses of the sentinels; any one that answers is enough. */
  sentinels: Endpoint[];
  /** The name the sentinels monitor the primary under (`sentinel monitor <name> ...`). */
  name: string;
  /** ACL user for `AUTH` to the sentinels (their `user`/`requirepass`, not the primary's). */
  username?: string;
  /** Password for `AUTH` to the sentinels. */
  password?: string;
}

/** A {@linkcode SentinelOptions} plus how to connect and check the primary. */
export interface SentinelSourceOptions extends SentinelOptions {
  /** Socket adapter (default: the runtime's). */
  connector?: Connector;
  /** ACL user for `AUTH` before `ROLE` on the primary (the mirror's `username`). */
  primaryUsername?: string;
  /** Password for `AUTH` before `ROLE` on the primary (the mirror's `password`). */
  primaryPassword?: string;
  /** Longest wait for a connection or a reply, per server, in ms (default 2000). */
  timeoutMs?: number;
  /** First delay before subscribing again after the subscription was lost, in ms (default 100). */
  resubscribeDelayMs?: number;
  /** Milliseconds between `PING`s on the subscription, to notice a silent sentinel (default 5000). */
  keepAliveMs?: number;
}

/** The channel on which a sentinel announces a failover's new primary. */
const SWITCH_MASTER = "+switch-master";
const MAX_RESUBSCRIBE_DELAY_MS = 2000;

/**
 * An {@linkcode EndpointSource} backed by Redis Sentinel.
 *
 * @example
 * ```ts ignore
 * import { sentinelEndpoints } from "./sentinel.ts";
 * const source = sentinelEndpoints({
 *   sentinels: [{ host: "10.0.0.1", port: 26379 }, { host: "10.0.0.2", port: 26379 }],
 *   name: "mymaster",
 * });
 * console.log(await source.current()); // { host: "10.0.0.7", port: 6379 }
 * const stop = source.onMoved((primary) => console.log("failover to", primary));
 * stop();
 * source.close();
 * ```
 */
export function sentinelEndpoints(options: SentinelSourceOptions): SentinelEndpointSource {
  return new SentinelEndpointSource(options);
}

/** See {@linkcode sentinelEndpoints}. */
export class SentinelEndpointSource implements EndpointSource {
  readonly #options: SentinelSourceOptions;
  readonly #connector: Connector;
  readonly #timeoutMs: number;
  /** The sentinels, the last one that answered first. */
  readonly #order: Endpoint[];
  readonly #listeners = new Set<(endpoint: Endpoint) => void>();
  /** Aborted by close(): fails every connection in flight. */
  readonly #abort = new AbortController();
  /** The primary last confirmed by current(). */
  #last: Endpoint | null = null;
  /** The primary a `+switch-master` announced, tried first by the next current(). */
  #hint: Endpoint | null = null;
  #subscription: RespClient | null = null;
  /** Index in #order of the sentinel to subscribe to next. */
  #subscribeIndex = 0;
  #subscribeAttempt = 0;
  #subscribeTimer: ReturnType<typeof setTimeout> | undefined;
  #keepAliveTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SentinelSourceOptions) {
    if (options.sentinels.length === 0) {
      throw new VeidrodelisError("ARGUMENT", "the sentinels option needs at least one sentinel address");
    }
    if (options.name === "") throw new VeidrodelisError("ARGUMENT", "the sentinels option needs the primary's name");
    this.#options = options;
    this.#connector = options.connector ?? defaultConnector();
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#order = options.sentinels.map((s) => ({ host: s.host, port: s.port }));
  }

  /** The sentinels in the order the next query tries them. */
  get sentinels(): readonly Endpoint[] {
    return this.#order;
  }

  /** True while a `+switch-master` subscription is open. */
  get subscribed(): boolean {
    return this.#subscription !== null && !this.#subscription.closed;
  }

  /**
   * Asks the sentinels in turn for the primary and confirms it with `ROLE`.
   * Rejects with a `ConnectionError` naming each sentinel's failure when none
   * gives a reachable primary, with an `AuthError` when the primary refuses
   * the credentials.
   */
  async current(): Promise<Endpoint> {
    this.#checkOpen();
    const hint = this.#hint;
    if (hint !== null) {
      this.#hint = null;
      // the sentinel that announced the failover already named the new primary
      if (await this.#isPrimary(hint)) return this.#confirmed(hint);
    }
    const failures: string[] = [];
    let refused = 0;
    for (const sentinel of [...this.#order]) {
      try {
        const primary = await this.#ask(sentinel);
        const role = await this.#role(primary);
        if (role !== "master" && role !== "unknown") throw new Error(`${format(primary)} answers ROLE with ${role}`);
        this.#prefer(sentinel);
        return this.#confirmed(primary);
      } catch (error) {
        this.#checkOpen();
        if (error instanceof PrimaryAuthError) throw error;
        if (error instanceof AuthError) refused++;
        failures.push(`${format(sentinel)}: ${messageOf(error)}`);
      }
    }
    const detail = `"${this.#options.name}" (${failures.join("; ")})`;
    if (refused === failures.length) throw new AuthError(`every sentinel refused AUTH, asking for ${detail}`);
    throw new ConnectionError(`no sentinel named a reachable primary ${detail}`);
  }

  /**
   * Calls `moved` when a sentinel announces a failover of our primary (or,
   * after the subscription was lost, when the sentinels name another primary).
   */
  onMoved(moved: (endpoint: Endpoint) => void): () => void {
    this.#checkOpen();
    this.#listeners.add(moved);
    if (this.#listeners.size === 1) void this.#subscribe();
    return () => {
      this.#listeners.delete(moved);
      if (this.#listeners.size === 0) this.#unsubscribe();
    };
  }

  /** Closes every connection and timer; current() rejects afterwards. */
  close(): void {
    if (this.#abort.signal.aborted) return;
    this.#listeners.clear();
    this.#unsubscribe();
    this.#abort.abort();
  }

  #confirmed(primary: Endpoint): Endpoint {
    this.#last = primary;
    return primary;
  }

  /** Moves `sentinel` to the head of the list (the Sentinel clients' rule). */
  #prefer(sentinel: Endpoint): void {
    const at = this.#order.indexOf(sentinel);
    if (at > 0) {
      this.#order.splice(at, 1);
      this.#order.unshift(sentinel);
    }
  }

  /** The primary's address according to one sentinel. */
  async #ask(sentinel: Endpoint): Promise<Endpoint> {
    const client = await this.#openSentinel(sentinel);
    try {
      return parseMasterAddress(
        await client.command(["SENTINEL", "get-master-addr-by-name", this.#options.name]),
        this.#options.name,
      );
    } finally {
      client.close();
    }
  }

  /** The first element of `ROLE` at `address` ("master", "slave", "sentinel"); "unknown" when not allowed. */
  async #role(address: Endpoint): Promise<string> {
    const client = await this.#open(address);
    try {
      const { primaryUsername, primaryPassword } = this.#options;
      if (primaryPassword !== undefined) {
        const auth = await client.command(authArgs(primaryUsername, primaryPassword));
        if (auth instanceof ReplyError) {
          throw new PrimaryAuthError(`primary ${format(address)} refused AUTH: ${auth.message}`);
        }
      }
      return parseRole(await client.command(["ROLE"]));
    } finally {
      client.close();
    }
  }

  /** True when `address` answers ROLE as a primary (or cannot be asked: the handshake decides then). */
  async #isPrimary(address: Endpoint): Promise<boolean> {
    try {
      const role = await this.#role(address);
      return role === "master" || role === "unknown";
    } catch (error) {
      if (error instanceof PrimaryAuthError) throw error;
      return false;
    }
  }

  async #openSentinel(sentinel: Endpoint, subscriber = false): Promise<RespClient> {
    const client = await this.#open(
      sentinel,
      subscriber
        ? {
          isPush: isMessage,
          onPush: (reply) => this.#onMessage(reply),
          onClose: () => this.#onSubscriptionLost(client),
        }
        : {},
    );
    const { username, password } = this.#options;
    if (password !== undefined) {
      const reply = await client.command(authArgs(username, password)).catch((error) => {
        client.close();
        throw error;
      });
      if (reply instanceof ReplyError) {
        client.close();
        throw new AuthError(`sentinel ${format(sentinel)} refused AUTH: ${reply.message}`);
      }
    }
    return client;
  }

  #open(endpoint: Endpoint, extra: Partial<Parameters<typeof RespClient.open>[0]> = {}): Promise<RespClient> {
    return RespClient.open({
      connector: this.#connector,
      endpoint,
      timeoutMs: this.#timeoutMs,
      signal: this.#abort.signal,
      ...extra,
    });
  }

  /** Subscribes to `+switch-master` on the next sentinel in turn. */
  async #subscribe(): Promise<void> {
    this.#subscribeTimer = undefined;
    if (this.#listeners.size === 0 || this.#abort.signal.aborted) return;
    const sentinel = this.#order[this.#subscribeIndex % this.#order.length];
    let client: RespClient | null = null;
    try {
      client = await this.#openSentinel(sentinel, true);
      if (this.#listeners.size === 0) return client.close();
      this.#subscription = client;
      const reply = await client.command(["SUBSCRIBE", SWITCH_MASTER]);
      if (!Array.isArray(reply) || reply[0] !== "subscribe") {
        throw new Error(`SUBSCRIBE answered ${JSON.stringify(reply)}`);
      }
      this.#subscribeAttempt = 0;
      this.#keepAlive(client);
      // a failover while no subscription was open would go unnoticed otherwise
      await this.#catchUp(sentinel).catch(() => {});
    } catch {
      if (client !== null && this.#subscription === client) this.#onSubscriptionLost(client);
      else if (client === null && !this.#abort.signal.aborted) this.#retrySubscribe();
    }
  }

  /** After (re)subscribing: reports a primary other than the last confirmed one. */
  async #catchUp(sentinel: Endpoint): Promise<void> {
    const last = this.#last;
    if (last === null) return;
    const primary = await this.#ask(sentinel);
    if (!sameEndpoint(primary, last) && this.#last === last) this.#moved(primary);
  }

  #keepAlive(client: RespClient): void {
    clearInterval(this.#keepAliveTimer);
    this.#keepAliveTimer = setInterval(() => {
      // a missing answer fails the connection (RespClient's timeout): resubscribe elsewhere
      client.command(["PING"]).catch(() => {});
    }, this.#options.keepAliveMs ?? 5000);
  }

  #onSubscriptionLost(client: RespClient): void {
    if (this.#subscription !== client) return;
    client.close();
    this.#subscription = null;
    clearInterval(this.#keepAliveTimer);
    if (this.#abort.signal.aborted || this.#listeners.size === 0) return;
    this.#retrySubscribe();
  }

  #retrySubscribe(): void {
    if (this.#subscribeTimer !== undefined) return;
    const first = this.#options.resubscribeDelayMs ?? 100;
    const delay = Math.min(MAX_RESUBSCRIBE_DELAY_MS, first * 2 ** Math.min(this.#subscribeAttempt++, 10));
    this.#subscribeIndex++; // the next sentinel in turn
    this.#subscribeTimer = setTimeout(() => void this.#subscribe(), delay);
  }

  #unsubscribe(): void {
    clearTimeout(this.#subscribeTimer);
    this.#subscribeTimer = undefined;
    clearInterval(this.#keepAliveTimer);
    this.#keepAliveTimer = undefined;
    const client = this.#subscription;
    this.#subscription = null;
    client?.close();
  }

  #onMessage(reply: Reply): void {
    const primary = parseSwitchMaster(reply, this.#options.name);
    if (primary === null) return;
    if (this.#last !== null && sameEndpoint(primary, this.#last)) return; // already there
    this.#moved(primary);
  }

  #moved(primary: Endpoint): void {
    this.#hint = primary;
    for (const listener of [...this.#listeners]) listener(primary);
  }

  #checkOpen(): void {
    if (this.#abort.signal.aborted) throw new VeidrodelisError("CLOSED", "the sentinel source was closed");
  }
}

/**
 * Reads a `SENTINEL get-master-addr-by-name` reply.
 *
 * @example
 * ```ts
 * import { parseMasterAddress } from "./sentinel.ts";
 * console.log(parseMasterAddress(["127.0.0.1", "6379"], "mymaster")); // { host: "127.0.0.1", port: 6379 }
 * ```
 */
export function parseMasterAddress(reply: Reply, name: string): Endpoint {
  if (reply === null) throw new Error(`the sentinel does not monitor "${name}"`);
  if (reply instanceof ReplyError) throw new Error(reply.message);
  if (Array.isArray(reply) && reply.length === 2 && typeof reply[0] === "string" && typeof reply[1] === "string") {
    const port = Number(reply[1]);
    if (Number.isInteger(port) && port > 0 && port < 65536) return { host: reply[0], port };
  }
  throw new Error(`unexpected get-master-addr-by-name reply ${JSON.stringify(reply)}`);
}

/**
 * Reads the payload of a `+switch-master` message for `name`:
 * `<name> <old-ip> <old-port> <new-ip> <new-port>`. Null for other names and
 * other replies.
 *
 * @example
 * ```ts
 * import { parseSwitchMaster } from "./sentinel.ts";
 * const message = ["message", "+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1 6380"];
 * console.log(parseSwitchMaster(message, "mymaster")); // { host: "127.0.0.1", port: 6380 }
 * ```
 */
export function parseSwitchMaster(reply: Reply, name: string): Endpoint | null {
  if (!isMessage(reply) || (reply as Reply[])[1] !== SWITCH_MASTER) return null;
  const payload = (reply as Reply[])[2];
  if (typeof payload !== "string") return null;
  const fields = payload.split(" ");
  if (fields.length !== 5 || fields[0] !== name) return null;
  const port = Number(fields[4]);
  if (!Number.isInteger(port) || port <= 0 || port >= 65536) return null;
  return { host: fields[3], port };
}

/**
 * The role in a `ROLE` reply ("master", "slave", "sentinel"), or "unknown"
 * when the server would not say (e.g. `-NOPERM` for an ACL user allowed only
 * the replication commands): the replication handshake decides then.
 *
 * @example
 * ```ts
 * import { parseRole } from "./sentinel.ts";
 * console.log(parseRole(["master", 42, []])); // "master"
 * ```
 */
export function parseRole(reply: Reply): string {
  if (reply instanceof ReplyError) return "unknown";
  if (Array.isArray(reply) && typeof reply[0] === "string") return reply[0];
  throw new Error(`unexpected ROLE reply ${JSON.stringify(reply)}`);
}

/** The primary (not a sentinel) refused the credentials: no other sentinel can help. */
class PrimaryAuthError extends AuthError {}

function isMessage(reply: Reply): boolean {
  return Array.isArray(reply) && reply.length === 3 && reply[0] === "message";
}

function authArgs(username: string | undefined, password: string): string[] {
  return username === undefined ? ["AUTH", password] : ["AUTH", username, password];
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.host === b.host && a.port === b.port;
}

function format(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}
