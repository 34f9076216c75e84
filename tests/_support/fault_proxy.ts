// A fault-injecting TCP proxy between a replica (the mirror) and a primary. Node/Deno/Bun (node:net only).
//
//   const proxy = await startFaultProxy({ port: primary.port });
//   const mirror = await Mirror.connect({ port: proxy.port });
//   proxy.cut();                        // destroy every connection (both sides)
//   proxy.refuse(500);                  // new connections are accepted and closed at once for 500 ms
//   proxy.stall();  proxy.unstall();    // stop forwarding without closing / forward again
//   proxy.corruptNext(0x2a, 0x21);      // the next '*' towards the replica becomes '!'
//   proxy.setDelay(20);                 // each chunk towards the replica waits 20 ms (a slow link)
//   proxy.setTarget(otherPort);         // new connections go to another server (a restart elsewhere)
//   await proxy.close();                // no handle left
//
// Towards the replica, chunks go through a queue; the primary's socket is paused while the queue is long, so a
// slowed-down transfer stays in the primary (as with a slow network) instead of piling up here. When the primary's
// side closes, the replica's side is destroyed at once and whatever was queued is dropped (a hard cut).
import net from "node:net";
import { Buffer } from "node:buffer";

export interface FaultProxyOptions {
  /** Primary port (host 127.0.0.1). */
  port: number;
  /** Delay per chunk towards the replica, ms (default 0). */
  delayMs?: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** Connections accepted and forwarded so far. */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** Bytes forwarded towards the replica, all connections. */
  readonly bytesToReplica: number;
  /** Destroys every open connection on both sides. */
  cut(): void;
  /** New connections are closed at once for `ms` milliseconds. */
  refuse(ms: number): void;
  /** Stops forwarding in both directions without closing anything. */
  stall(): void;
  /** Forwards again (what was held back is delivered). */
  unstall(): void;
  /** The next byte equal to `find` sent towards the replica (from now on) is replaced by `replacement`. */
  corruptNext(find: number, replacement: number): Promise<void>;
  /** Delay per chunk towards the replica from now on, ms. */
  setDelay(ms: number): void;
  /** Primary port for new connections. */
  setTarget(port: number): void;
  /** Closes the listener and every connection. Idempotent. */
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
/** Queued chunks towards the replica above which the primary's socket is paused. */
const HIGH_WATER = 4;

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  queue: Buffer[];
  pumping: boolean;
  destroyed: boolean;
}

interface Corruption {
  find: number;
  replacement: number;
  done(): void;
}

export function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let target = options.port;
  let delayMs = options.delayMs ?? 0;
  let refuseUntil = 0;
  let stalled = false;
  let connections = 0;
  let bytesToReplica = 0;
  const corruptions: Corruption[] = [];
  const pairs = new Set<Pair>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const destroy = (pair: Pair) => {
    if (pair.destroyed) return;
    pair.destroyed = true;
    pair.queue = [];
    pair.client.destroy();
    pair.upstream.destroy();
    pairs.delete(pair);
  };

  const corrupt = (chunk: Buffer): Buffer => {
    while (corruptions.length > 0) {
      const c = corruptions[0];
      const at = chunk.indexOf(c.find);
      if (at < 0) break;
      chunk = Buffer.from(chunk); // never modify a buffer the runtime may reuse
      chunk[at] = c.replacement;
      corruptions.shift();
      c.done();
    }
    return chunk;
  };

  /** Sends queued chunks towards the replica, in order, each after the delay. */
  const pump = (pair: Pair) => {
    if (pair.pumping || pair.destroyed || stalled) return;
    const chunk = pair.queue.shift();
    if (chunk === undefined) {
      pair.upstream.resume();
      return;
    }
    pair.pumping = true;
    const send = () => {
      pair.pumping = false;
      if (pair.destroyed) return;
      if (stalled) {
        pair.queue.unshift(chunk);
        return;
      }
      const out = corrupt(chunk);
      bytesToReplica += out.length;
      pair.client.write(out);
      if (pair.queue.length < HIGH_WATER) pair.upstream.resume();
      pump(pair);
    };
    if (delayMs > 0) later(delayMs, send);
    else send();
  };

  const server = net.createServer((client) => {
    if (Date.now() < refuseUntil) {
      client.destroy();
      return;
    }
    connections++;
    client.setNoDelay(true);
    const upstream = net.createConnection({ host: HOST, port: target });
    upstream.setNoDelay(true);
    const pair: Pair = { client, upstream, queue: [], pumping: false, destroyed: false };
    pairs.add(pair);
    upstream.on("data", (chunk: Buffer) => {
      if (pair.destroyed) return;
      pair.queue.push(chunk);
      if (pair.queue.length >= HIGH_WATER) upstream.pause();
      pump(pair);
    });
    client.on("data", (chunk: Buffer) => {
      if (pair.destroyed) return;
      if (stalled) client.pause(); // held in the kernel until unstall()
      upstream.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on("error", () => destroy(pair));
      socket.on("close", () => destroy(pair));
    }
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host: HOST }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      let closing: Promise<void> | undefined;
      resolve({
        host: HOST,
        port,
        get connections() {
          return connections;
        },
        get open() {
          return pairs.size;
        },
        get bytesToReplica() {
          return bytesToReplica;
        },
        cut() {
          for (const pair of [...pairs]) destroy(pair);
        },
        refuse(ms) {
          refuseUntil = Date.now() + ms;
        },
        stall() {
          stalled = true;
          for (const pair of pairs) {
            pair.upstream.pause();
            pair.client.pause();
          }
        },
        unstall() {
          stalled = false;
          for (const pair of pairs) {
            pair.client.resume();
            pump(pair);
          }
        },
        corruptNext(find, replacement) {
          return new Promise<void>((done) => corruptions.push({ find, replacement, done }));
        },
        setDelay(ms) {
          delayMs = ms;
        },
        setTarget(port) {
          target = port;
        },
        close() {
          closing ??= new Promise<void>((done) => {
            for (const timer of timers) clearTimeout(timer);
            timers.clear();
            for (const pair of [...pairs]) destroy(pair);
            server.close(() => done());
          });
          return closing;
        },
      });
    });
  });
}
