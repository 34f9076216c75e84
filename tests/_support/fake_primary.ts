// A scripted fake replication primary for replica-client tests. Node/Deno/Bun (node:net only).
//
//   const primary = await startFakePrimary({
//     async onPsync(conn) {
//       await conn.write("+FULLRESYNC <replid> 0\r\n$<len>\r\n<rdb>");
//       const offset = await conn.waitForAck();
//       await conn.writeChunked(commands, { seed: 7 });
//     },
//   });
//   ... point the replica at primary.host:primary.port ...
//   await primary.stop();
//
// Handshake replies: PING -> +PONG, AUTH -> +OK, REPLCONF ... -> +OK except REPLCONF ACK (never answered,
// recorded in `acks`). PSYNC/SYNC -> the scenario (no reply of its own). Anything else -> -ERR, unless onCommand
// handles it. The socket stays open after the scenario returns (a primary never closes it).
import net from "node:net";
import { Buffer } from "node:buffer";
import { RespCommandParser } from "./resp.ts";
import { type ExpectedDump, loadExpected, readFixture, readFixtureJson } from "./fixtures.ts";
import { seededRandom } from "./random.ts";

export type PsyncScenario = (conn: FakeReplicaConnection, psyncArgs: string[]) => void | Promise<void>;

export interface FakePrimaryOptions {
  /** Called on PSYNC (or SYNC) with the connection and the command's arguments (after the name). */
  onPsync?: PsyncScenario;
  /**
   * Called for every command before the default handling; return true if you replied yourself
   * (e.g. to make AUTH fail: `conn.write("-WRONGPASS ...\r\n"); return true`).
   */
  onCommand?: (conn: FakeReplicaConnection, args: string[]) => boolean | void;
}

export interface ChunkOptions {
  /** PRNG seed (deterministic chunk sizes). */
  seed: number;
  /** Smallest chunk (default 1). */
  min?: number;
  /** Largest chunk (default 1024). */
  max?: number;
  /** Pause between chunks in ms (default 0 = one macrotask, so the reader tends to see separate reads). */
  delayMs?: number;
}

export interface WaitForAckOptions {
  /** Resolve only on an ACK with offset >= minOffset (default: the next ACK, whatever its offset). */
  minOffset?: number;
  /** Default 30000 ms. */
  timeoutMs?: number;
}

export interface FakeReplicaConnection {
  /** 1-based, in accept order. */
  readonly id: number;
  readonly socket: net.Socket;
  /** Commands received on this connection (arguments decoded as UTF-8). */
  readonly commands: string[][];
  /** Offsets of the REPLCONF ACKs received on this connection, in order. */
  readonly acks: number[];
  readonly closed: boolean;
  /** Resolves when the socket is closed (by either side). */
  readonly whenClosed: Promise<void>;
  /** Writes bytes; resolves once handed to the kernel. Rejects if the connection is closed. */
  write(bytes: Uint8Array | string): Promise<void>;
  /** Writes bytes in chunks: a list of sizes (cycled) or seeded random sizes. */
  writeChunked(bytes: Uint8Array | string, sizes: number[] | ChunkOptions): Promise<void>;
  /** Resolves with the offset of the next REPLCONF ACK received from now on (see options). */
  waitForAck(options?: WaitForAckOptions): Promise<number>;
  /** Resolves with the next command whose name (case-insensitive) matches, received from now on. */
  waitForCommand(name: string, timeoutMs?: number): Promise<string[]>;
  /** Half-closes (FIN) after pending writes; resolves when the socket is closed. */
  close(): Promise<void>;
  /** Destroys the socket immediately (RST-like). */
  destroy(): void;
}

export interface FakePrimary {
  readonly host: string;
  readonly port: number;
  /** Every command received, all connections, in arrival order. */
  readonly commands: string[][];
  /** Every REPLCONF ACK offset received, all connections, in arrival order. */
  readonly acks: number[];
  /** Connections accepted so far. */
  readonly connectionCount: number;
  readonly connections: FakeReplicaConnection[];
  /** Errors thrown by scenarios (onPsync) while the primary was running. */
  readonly scenarioErrors: unknown[];
  /** Resolves with the next connection that sends PSYNC/SYNC (from now on), before the scenario runs. */
  waitForPsync(timeoutMs?: number): Promise<FakeReplicaConnection>;
  /** Like conn.waitForAck but on any connection. */
  waitForAck(options?: WaitForAckOptions): Promise<number>;
  /** Closes the server and every connection; no handle is left open. Idempotent. */
  stop(): Promise<void>;
}

export { seededRandom };

/** The chunk sizes writeChunked would use for `total` bytes. */
export function chunkSizes(total: number, sizes: number[] | ChunkOptions): number[] {
  const out: number[] = [];
  let left = total;
  if (Array.isArray(sizes)) {
    if (sizes.length === 0 || sizes.some((s) => !(s >= 1))) throw new Error("chunk sizes must be >= 1");
    for (let i = 0; left > 0; i++) {
      const n = Math.min(left, Math.floor(sizes[i % sizes.length]));
      out.push(n);
      left -= n;
    }
  } else {
    const rnd = seededRandom(sizes.seed);
    const min = Math.max(1, sizes.min ?? 1);
    const max = Math.max(min, sizes.max ?? 1024);
    while (left > 0) {
      const n = Math.min(left, min + Math.floor(rnd() * (max - min + 1)));
      out.push(n);
      left -= n;
    }
  }
  return out;
}

interface Waiter<T> {
  match(v: T): boolean;
  resolve(v: T): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

class WaiterList<T> {
  private list: Waiter<T>[] = [];
  add(match: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w: Waiter<T> = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.list = this.list.filter((x) => x !== w);
          reject(new Error(`fake primary: timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs),
      };
      this.list.push(w);
    });
  }
  fire(v: T): void {
    const hit = this.list.filter((w) => w.match(v));
    if (hit.length === 0) return;
    this.list = this.list.filter((w) => !hit.includes(w));
    for (const w of hit) {
      clearTimeout(w.timer);
      w.resolve(v);
    }
  }
  rejectAll(e: Error): void {
    const all = this.list;
    this.list = [];
    for (const w of all) {
      clearTimeout(w.timer);
      w.reject(e);
    }
  }
}

const toBuffer = (b: Uint8Array | string): Buffer =>
  typeof b === "string" ? Buffer.from(b, "latin1") : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function startFakePrimary(options: FakePrimaryOptions = {}): Promise<FakePrimary> {
  const HOST = "127.0.0.1";
  const commands: string[][] = [];
  const acks: number[] = [];
  const connections: FakeReplicaConnection[] = [];
  const scenarioErrors: unknown[] = [];
  const sockets = new Set<net.Socket>();
  const psyncWaiters = new WaiterList<FakeReplicaConnection>();
  const ackWaiters = new WaiterList<number>();
  let stopped = false;

  const server = net.createServer((socket) => {
    if (stopped) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    const connCommands: string[][] = [];
    const connAcks: number[] = [];
    const connAckWaiters = new WaiterList<number>();
    const cmdWaiters = new WaiterList<string[]>();
    const parser = new RespCommandParser();
    let closed = false;
    let resolveClosed!: () => void;
    const whenClosed = new Promise<void>((r) => (resolveClosed = r));

    const conn: FakeReplicaConnection = {
      id: connections.length + 1,
      socket,
      commands: connCommands,
      acks: connAcks,
      get closed() {
        return closed;
      },
      whenClosed,
      write(bytes) {
        return new Promise<void>((resolve, reject) => {
          if (closed || socket.destroyed) return reject(new Error(`fake primary: connection ${conn.id} is closed`));
          socket.write(toBuffer(bytes), (err) => (err ? reject(err) : resolve()));
        });
      },
      async writeChunked(bytes, sizes) {
        const buf = toBuffer(bytes);
        const delayMs = Array.isArray(sizes) ? 0 : sizes.delayMs ?? 0;
        let pos = 0;
        for (const n of chunkSizes(buf.length, sizes)) {
          await conn.write(buf.subarray(pos, pos + n));
          pos += n;
          if (pos < buf.length) await pause(delayMs);
        }
      },
      waitForAck(o = {}) {
        const min = o.minOffset ?? -Infinity;
        const t = o.timeoutMs ?? 30000;
        return connAckWaiters.add(
          (off) => off >= min,
          t,
          `REPLCONF ACK${o.minOffset !== undefined ? ` >= ${min}` : ""} on connection ${conn.id} (acks so far: ${
            connAcks.slice(-5).join(", ") || "none"
          })`,
        );
      },
      waitForCommand(name, timeoutMs = 30000) {
        const n = name.toLowerCase();
        return cmdWaiters.add((c) => c[0]?.toLowerCase() === n, timeoutMs, `command ${name} on connection ${conn.id}`);
      },
      close() {
        if (!closed) socket.end();
        return whenClosed;
      },
      destroy() {
        socket.destroy();
      },
    };
    connections.push(conn);

    const onCommand = (raw: Buffer[]) => {
      const args = raw.map((b) => b.toString("utf8"));
      commands.push(args);
      connCommands.push(args);
      const name = (args[0] ?? "").toLowerCase();
      const sub = (args[1] ?? "").toLowerCase();
      if (name === "replconf" && sub === "ack") {
        const off = Number(args[2]);
        connAcks.push(off);
        acks.push(off);
        cmdWaiters.fire(args);
        connAckWaiters.fire(off);
        ackWaiters.fire(off);
        return; // never answered
      }
      cmdWaiters.fire(args);
      if (options.onCommand?.(conn, args)) return;
      const reply = (s: string) => {
        if (!socket.destroyed) socket.write(s);
      };
      switch (name) {
        case "ping":
          return reply("+PONG\r\n");
        case "auth":
        case "replconf":
          return reply("+OK\r\n");
        case "psync":
        case "sync": {
          psyncWaiters.fire(conn);
          if (!options.onPsync) return reply("-ERR fake primary has no onPsync scenario\r\n");
          Promise.resolve()
            .then(() => options.onPsync!(conn, args.slice(1)))
            .catch((e) => {
              if (!stopped) scenarioErrors.push(e);
            });
          return;
        }
        default:
          return reply(`-ERR fake primary: unexpected command '${args[0]}'\r\n`);
      }
    };

    socket.on("data", (d: Buffer) => {
      let cmds: Buffer[][];
      try {
        cmds = parser.push(d);
      } catch (e) {
        scenarioErrors.push(e);
        socket.destroy();
        return;
      }
      for (const c of cmds) onCommand(c);
    });
    socket.on("error", () => {
      // ECONNRESET etc.: 'close' follows
    });
    socket.on("close", () => {
      closed = true;
      sockets.delete(socket);
      const err = new Error(`fake primary: connection ${conn.id} closed`);
      connAckWaiters.rejectAll(err);
      cmdWaiters.rejectAll(err);
      resolveClosed();
    });
  });

  return new Promise<FakePrimary>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host: HOST }, () => {
      server.off("error", reject);
      const addr = server.address() as net.AddressInfo;
      let stopping: Promise<void> | undefined;
      resolve({
        host: HOST,
        port: addr.port,
        commands,
        acks,
        connections,
        scenarioErrors,
        get connectionCount() {
          return connections.length;
        },
        waitForPsync(timeoutMs = 30000) {
          return psyncWaiters.add(() => true, timeoutMs, "a PSYNC");
        },
        waitForAck(o = {}) {
          const min = o.minOffset ?? -Infinity;
          return ackWaiters.add(
            (off) => off >= min,
            o.timeoutMs ?? 30000,
            `REPLCONF ACK${o.minOffset !== undefined ? ` >= ${min}` : ""} (acks so far: ${
              acks.slice(-5).join(", ") || "none"
            })`,
          );
        },
        stop() {
          stopping ??= (async () => {
            stopped = true;
            const err = new Error("fake primary stopped");
            psyncWaiters.rejectAll(err);
            ackWaiters.rejectAll(err);
            const closedAll = Promise.all(connections.map((c) => c.whenClosed));
            const serverClosed = new Promise<void>((r) => server.close(() => r()));
            for (const s of sockets) s.destroy();
            await Promise.all([closedAll, serverClosed]);
          })();
          return stopping;
        },
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Replaying the recorded full resynchronisations of ../shared/fixtures/replication (see its README.md).

export interface CaptureInfo {
  server: string;
  server_name: string;
  server_version: string;
  fullresync_line: string;
  replid: string;
  initial_offset: number;
  newlines_before_rdb: number;
  rdb_transfer_format: "length" | "eof-marker";
  rdb_payload_bytes: number;
  rdb_magic: string;
  command_stream_bytes: number;
  stream_bin_bytes: number;
  master_repl_offset_at_end: number;
  capture_started_ms: number;
  capture_ended_ms: number;
  [k: string]: unknown;
}

export interface CaptureReplay {
  name: string;
  capture: CaptureInfo;
  /** All of stream.bin. */
  stream: Uint8Array;
  /** stream.bin[0 : L - command_stream_bytes]: the FULLRESYNC line, keep-alive newlines and the RDB transfer. */
  head: Uint8Array;
  /** The command stream (the part that advances the replication offset). */
  commandStream: Uint8Array;
  /** rdb-payload.rdb: the RDB bytes alone. */
  rdbPayload(): Uint8Array;
  /** final.expected.json. */
  finalExpected(): ExpectedDump;
  /**
   * Faithful mode: write head; for eof-marker (diskless) transfers wait for the replica's first REPLCONF ACK
   * after it; then write the command stream. Keeps the socket open.
   */
  faithful(options?: { ackTimeoutMs?: number }): PsyncScenario;
  /**
   * Robustness mode: the whole stream.bin in seeded random chunks (RDB end, EOF mark and RESP frames split
   * across reads), without waiting for an ACK unless waitForAck is set.
   */
  robust(options?: Partial<ChunkOptions> & { waitForAck?: boolean; ackTimeoutMs?: number }): PsyncScenario;
}

/** Loads ../shared/fixtures/replication/<name>/ (e.g. "redis-7.0.15", "valkey-unstable-55bbbe09"). */
export function replayCapture(name: string): CaptureReplay {
  const capture = readFixtureJson<CaptureInfo>(`replication/${name}/capture.json`);
  const stream = readFixture(`replication/${name}/stream.bin`);
  if (stream.length !== capture.stream_bin_bytes) {
    throw new Error(
      `replication/${name}/stream.bin: ${stream.length} bytes, capture.json says ${capture.stream_bin_bytes}`,
    );
  }
  const split = stream.length - capture.command_stream_bytes;
  const head = stream.subarray(0, split);
  const commandStream = stream.subarray(split);
  const eofMarker = capture.rdb_transfer_format === "eof-marker";
  return {
    name,
    capture,
    stream,
    head,
    commandStream,
    rdbPayload: () => readFixture(`replication/${name}/rdb-payload.rdb`),
    finalExpected: () => loadExpected(`replication/${name}/final.expected.json`),
    faithful(o = {}) {
      return async (conn) => {
        if (eofMarker) {
          const ack = conn.waitForAck({ timeoutMs: o.ackTimeoutMs ?? 60000 });
          ack.catch(() => {}); // observed below; avoid an unhandled rejection if write() throws first
          await conn.write(head);
          await ack;
        } else {
          await conn.write(head);
        }
        await conn.write(commandStream);
      };
    },
    robust(o = {}) {
      const chunks: ChunkOptions = { seed: o.seed ?? 1, min: o.min ?? 1, max: o.max ?? 4096, delayMs: o.delayMs ?? 0 };
      return async (conn) => {
        if (o.waitForAck) {
          const ack = conn.waitForAck({ timeoutMs: o.ackTimeoutMs ?? 60000 });
          ack.catch(() => {});
          await conn.writeChunked(head, chunks);
          await ack;
          await conn.writeChunked(commandStream, { ...chunks, seed: chunks.seed + 1 });
        } else {
          await conn.writeChunked(stream, chunks);
        }
      };
    },
  };
}
