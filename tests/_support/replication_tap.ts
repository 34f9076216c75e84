/**
 * A replication tap for command tests: a pre-PSYNC replica connection (SYNC)
 * to a real redis-server that skips the RDB and collects the commands the
 * server propagates, plus `applyStream` to run them through the command
 * table into a Store — so a test compares what a primary really sends.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import type { Store } from "../../src/_wasm/store.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { RespCommandParser } from "./resp.ts";

/** A pre-PSYNC replica connection (SYNC): skips the RDB, then collects the propagated commands. */
export class ReplicationTap {
  private parser = new RespCommandParser();
  private pending: Buffer = Buffer.alloc(0);
  private rdbLeft = -1; // -1: waiting for the `$len` line
  private waiters: Array<() => void> = [];
  private closed = false;
  private onSynced: (ok: boolean) => void = () => {};
  readonly commands: Buffer[][] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.onSynced(false);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Connects and waits for the RDB; retries when the server drops the sync (a failed BGSAVE fork). */
  static async open(port: number): Promise<ReplicationTap> {
    for (let attempt = 1;; attempt++) {
      const socket = net.connect(port, "127.0.0.1");
      const tap = new ReplicationTap(socket);
      const synced = new Promise<boolean>((resolve) => {
        tap.onSynced = resolve;
        setTimeout(() => resolve(false), 15_000);
      });
      socket.write("SYNC\r\n");
      if (await synced) return tap;
      tap.close();
      if (attempt === 5) throw new Error("tap: SYNC failed 5 times");
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  private onData(chunk: Buffer): void {
    if (this.rdbLeft !== 0) {
      this.pending = Buffer.concat([this.pending, chunk]);
      if (this.rdbLeft === -1) {
        let start = 0;
        while (start < this.pending.length && this.pending[start] === 10) start++; // keep-alive newlines
        const eol = this.pending.indexOf("\r\n", start);
        if (eol < 0) return;
        if (this.pending[start] !== 36) return this.close(); // not `$<len>`: an error reply
        this.rdbLeft = Number(this.pending.subarray(start + 1, eol).toString());
        this.pending = this.pending.subarray(eol + 2);
      }
      const skip = Math.min(this.rdbLeft, this.pending.length);
      this.rdbLeft -= skip;
      chunk = this.pending.subarray(skip);
      this.pending = Buffer.alloc(0);
      if (this.rdbLeft !== 0) return;
      this.onSynced(true);
    }
    for (const cmd of this.parser.push(chunk)) this.commands.push(cmd);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for a `PUBLISH <channel> <token>` marker and returns the commands before it (removed from the queue). */
  async until(token: string): Promise<Buffer[][]> {
    for (;;) {
      const i = this.commands.findIndex((c) =>
        c[0].toString().toLowerCase() === "publish" && c.length === 3 && c[2].toString() === token
      );
      if (i >= 0) return this.commands.splice(0, i + 1).slice(0, i);
      if (this.closed) throw new Error("tap: the server closed the replication link");
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`tap: no marker ${token}`)), 10_000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Applies propagated commands to the store as the replication layer would (SELECT tracked, no-ops skipped). */
export function applyStream(store: Store, commands: Buffer[][], state: { db: number }): void {
  for (const cmd of commands) {
    const spec = lookupCommand(cmd[0]);
    assert.ok(spec, `no spec for ${cmd[0].toString()}`);
    if (spec.name === "select") {
      state.db = Number(cmd[1].toString());
      continue;
    }
    if (spec.kind !== "write") continue;
    spec.apply({ store, db: state.db, now: () => Date.now() }, cmd);
  }
}
