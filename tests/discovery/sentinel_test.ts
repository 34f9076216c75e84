// Sentinel discovery against scripted servers (node:net): parsing, rotation, ROLE checks, AUTH, timeouts,
// the +switch-master subscription and its failover to another sentinel, cleanup.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { Buffer } from "node:buffer";
import { AuthError, ConnectionError, VeidrodelisError } from "../../src/errors.ts";
import { ReplyError, ReplyParser } from "../../src/discovery/reply_parser.ts";
import { parseMasterAddress, parseRole, parseSwitchMaster, sentinelEndpoints } from "../../src/discovery/sentinel.ts";
import type { Endpoint } from "../../src/net/mod.ts";
import { RespCommandParser } from "../_support/resp.ts";
import { getFreePort } from "../_support/ports.ts";
import { activeResources, leakedSince } from "../_support/leaks.ts";
import { waitUntil } from "../_support/sync.ts";

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const array = (...items: string[]) => `*${items.length}\r\n${items.map(bulk).join("")}`;

/** What a scripted server answers: a raw RESP reply, or null to stay silent. */
type Script = (args: string[], conn: net.Socket) => string | null;

interface FakeServer {
  endpoint: Endpoint;
  /** Every command received, in order, as "NAME arg…". */
  log: string[];
  /** Open connections (to drop them, or to push messages). */
  conns: Set<net.Socket>;
  script: Script;
  stop(): Promise<void>;
}

const servers: FakeServer[] = [];

async function fakeServer(script: Script): Promise<FakeServer> {
  const conns = new Set<net.Socket>();
  const fake: FakeServer = {
    endpoint: { host: "127.0.0.1", port: 0 },
    log: [],
    conns,
    script,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((conn) => {
    conns.add(conn);
    conn.on("close", () => conns.delete(conn));
    conn.on("error", () => {});
    const parser = new RespCommandParser();
    conn.on("data", (chunk: Buffer) => {
      for (const command of parser.push(chunk)) {
        const args = command.map((b) => b.toString("utf8"));
        fake.log.push(args.join(" "));
        const reply = fake.script(args, conn);
        if (reply !== null) conn.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.endpoint.port = (server.address() as net.AddressInfo).port;
  servers.push(fake);
  return fake;
}

/** A primary (or replica) answering ROLE. */
function roleServer(role: "master" | "slave" | "noperm"): Promise<FakeServer> {
  return fakeServer(([name]) => {
    if (name.toUpperCase() === "AUTH") return "+OK\r\n";
    if (name.toUpperCase() !== "ROLE") return "-ERR unknown\r\n";
    if (role === "noperm") return "-NOPERM this user has no permissions to run the 'role' command\r\n";
    return role === "master"
      ? "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n"
      : "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:1\r\n$9\r\nconnected\r\n:0\r\n";
  });
}

/** A sentinel naming `primary()` for "mymaster"; SUBSCRIBE confirmed; optional password. */
function sentinelServer(primary: () => Endpoint | null, password?: string): Promise<FakeServer> {
  return fakeServer((args) => {
    const name = args[0].toUpperCase();
    if (name === "AUTH") return args[args.length - 1] === password ? "+OK\r\n" : "-WRONGPASS invalid password\r\n";
    if (name === "SENTINEL" && args[1] === "get-master-addr-by-name") {
      const p = args[2] === "mymaster" ? primary() : null;
      return p === null ? "*-1\r\n" : array(p.host, String(p.port));
    }
    if (name === "SUBSCRIBE") return `*3\r\n${bulk("subscribe")}${bulk(args[1])}:1\r\n`;
    if (name === "PING") return array("pong", "");
    return "-ERR unknown command\r\n";
  });
}

function pushSwitch(conn: net.Socket, name: string, from: Endpoint, to: Endpoint): void {
  conn.write(array("message", "+switch-master", `${name} ${from.host} ${from.port} ${to.host} ${to.port}`));
}

after(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

describe("reply parsing", () => {
  test("replies split at every byte come out whole", () => {
    const bytes = new TextEncoder().encode(
      "+OK\r\n-ERR no\r\n:42\r\n$-1\r\n*-1\r\n*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n*3\r\n$7\r\nmessage\r\n$0\r\n\r\n:1\r\n",
    );
    const parser = new ReplyParser();
    const out = [];
    for (let i = 0; i < bytes.length; i++) out.push(...parser.push(bytes.subarray(i, i + 1)));
    assert.equal(out.length, 7);
    assert.equal(out[0], "OK");
    assert.ok(out[1] instanceof ReplyError && out[1].message === "ERR no");
    assert.deepEqual(out.slice(2), [42, null, null, ["127.0.0.1", "6379"], ["message", "", 1]]);
  });

  test("bytes that are not RESP are rejected", () => {
    assert.throws(() => new ReplyParser().push(new TextEncoder().encode("HTTP/1.1 200 OK\r\n")));
  });

  test("get-master-addr-by-name, +switch-master and ROLE replies", () => {
    assert.deepEqual(parseMasterAddress(["10.0.0.5", "6380"], "m"), { host: "10.0.0.5", port: 6380 });
    assert.throws(() => parseMasterAddress(null, "m"), /does not monitor "m"/);
    assert.throws(() => parseMasterAddress(["10.0.0.5", "x"], "m"), /unexpected/);
    assert.throws(() => parseMasterAddress(new ReplyError("IDONTKNOW"), "m"), /IDONTKNOW/);
    const message = ["message", "+switch-master", "mymaster 127.0.0.1 6379 ::1 6380"];
    assert.deepEqual(parseSwitchMaster(message, "mymaster"), { host: "::1", port: 6380 });
    assert.equal(parseSwitchMaster(message, "other"), null);
    assert.equal(parseSwitchMaster(["message", "+sdown", "master mymaster 127.0.0.1 6379"], "mymaster"), null);
    assert.equal(parseSwitchMaster(["message", "+switch-master", "mymaster 1 2 3"], "mymaster"), null);
    assert.equal(parseRole(["master", 0, []]), "master");
    assert.equal(parseRole(["slave", "h", 1, "connected", 0]), "slave");
    assert.equal(parseRole(new ReplyError("NOPERM")), "unknown");
  });

  test("options without sentinels or name are refused", () => {
    assert.throws(() => sentinelEndpoints({ sentinels: [], name: "m" }), VeidrodelisError);
    assert.throws(() => sentinelEndpoints({ sentinels: [{ host: "h", port: 1 }], name: "" }), VeidrodelisError);
  });
});

describe("current()", () => {
  test("skips a dead sentinel, confirms with ROLE, then asks the sentinel that answered first", async () => {
    const primary = await roleServer("master");
    const dead = { host: "127.0.0.1", port: await getFreePort() };
    const good = await sentinelServer(() => primary.endpoint);
    const source = sentinelEndpoints({ sentinels: [dead, good.endpoint], name: "mymaster", timeoutMs: 1000 });
    try {
      assert.deepEqual(await source.current(), primary.endpoint);
      assert.deepEqual(primary.log, ["ROLE"]);
      assert.deepEqual(source.sentinels[0], good.endpoint);
      assert.deepEqual(await source.current(), primary.endpoint);
      assert.equal(good.log.length, 2);
    } finally {
      source.close();
    }
  });

  test("a sentinel naming a replica (a stale view) is passed over for the next one", async () => {
    const replica = await roleServer("slave");
    const primary = await roleServer("master");
    const stale = await sentinelServer(() => replica.endpoint);
    const fresh = await sentinelServer(() => primary.endpoint);
    const source = sentinelEndpoints({ sentinels: [stale.endpoint, fresh.endpoint], name: "mymaster" });
    try {
      assert.deepEqual(await source.current(), primary.endpoint);
      assert.deepEqual(replica.log, ["ROLE"]);
    } finally {
      source.close();
    }
  });

  test("ROLE refused by ACL (-NOPERM) is not a reason to pass over the primary", async () => {
    const primary = await roleServer("noperm");
    const sentinel = await sentinelServer(() => primary.endpoint);
    const source = sentinelEndpoints({
      sentinels: [sentinel.endpoint],
      name: "mymaster",
      primaryUsername: "mirror",
      primaryPassword: "pw",
    });
    try {
      assert.deepEqual(await source.current(), primary.endpoint);
      assert.deepEqual(primary.log, ["AUTH mirror pw", "ROLE"]);
    } finally {
      source.close();
    }
  });

  test("an unknown name, a dead sentinel and a silent one: a ConnectionError naming each", async () => {
    const unknown = await sentinelServer(() => null);
    const silent = await fakeServer(() => null);
    const dead = { host: "127.0.0.1", port: await getFreePort() };
    const source = sentinelEndpoints({
      sentinels: [unknown.endpoint, dead, silent.endpoint],
      name: "mymaster",
      timeoutMs: 200,
    });
    try {
      const error = await source.current().then(() => null, (e) => e);
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, /does not monitor "mymaster"/);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${dead.port}: cannot connect`));
      assert.match(error.message, /did not answer SENTINEL within 200 ms/);
      // the silent sentinel's connection was given up, not kept
      await waitUntil(() => silent.conns.size === 0, 5000, "the silent connection to close");
    } finally {
      source.close();
    }
  });

  test("AUTH to the sentinels with user and password; a wrong password is an AuthError", async () => {
    const primary = await roleServer("master");
    const sentinel = await sentinelServer(() => primary.endpoint, "s3cret");
    const right = sentinelEndpoints({
      sentinels: [sentinel.endpoint],
      name: "mymaster",
      username: "watcher",
      password: "s3cret",
    });
    const wrong = sentinelEndpoints({ sentinels: [sentinel.endpoint], name: "mymaster", password: "nope" });
    try {
      assert.deepEqual(await right.current(), primary.endpoint);
      assert.deepEqual(sentinel.log.slice(0, 2), ["AUTH watcher s3cret", "SENTINEL get-master-addr-by-name mymaster"]);
      assert.deepEqual(primary.log, ["ROLE"], "the sentinels' password is not the primary's");
      await assert.rejects(wrong.current(), AuthError);
    } finally {
      right.close();
      wrong.close();
    }
  });
});

describe("onMoved()", () => {
  test("a +switch-master of our name is reported at once; other names are not", async () => {
    const oldPrimary = await roleServer("master");
    const newPrimary = await roleServer("master");
    let primary = oldPrimary.endpoint;
    const sentinel = await sentinelServer(() => primary);
    const source = sentinelEndpoints({ sentinels: [sentinel.endpoint], name: "mymaster" });
    const moves: Endpoint[] = [];
    const stop = source.onMoved((e) => moves.push(e));
    try {
      assert.deepEqual(await source.current(), oldPrimary.endpoint);
      await waitUntil(() => sentinel.log.includes("SUBSCRIBE +switch-master"), 5000, "SUBSCRIBE");
      const [conn] = [...sentinel.conns];
      pushSwitch(conn, "othermaster", oldPrimary.endpoint, { host: "127.0.0.1", port: 1 });
      primary = newPrimary.endpoint;
      pushSwitch(conn, "mymaster", oldPrimary.endpoint, newPrimary.endpoint);
      await waitUntil(() => moves.length > 0, 5000, "the move");
      assert.deepEqual(moves, [newPrimary.endpoint]);
      // the announced primary is checked and used without asking the sentinels again
      const asked = sentinel.log.length;
      assert.deepEqual(await source.current(), newPrimary.endpoint);
      assert.equal(sentinel.log.length, asked);
      assert.deepEqual(newPrimary.log, ["ROLE"]);
    } finally {
      stop();
      source.close();
    }
  });

  test("a lost subscription moves to the next sentinel and reports a failover it missed", async () => {
    const oldPrimary = await roleServer("master");
    const newPrimary = await roleServer("master");
    let primary = oldPrimary.endpoint;
    const first = await sentinelServer(() => primary);
    const second = await sentinelServer(() => primary);
    const source = sentinelEndpoints({
      sentinels: [first.endpoint, second.endpoint],
      name: "mymaster",
      resubscribeDelayMs: 10,
    });
    const moves: Endpoint[] = [];
    source.onMoved((e) => moves.push(e));
    try {
      await source.current();
      await waitUntil(() => first.log.includes("SUBSCRIBE +switch-master"), 5000, "SUBSCRIBE on the first");
      // the failover happens while the subscription is down
      primary = newPrimary.endpoint;
      for (const c of first.conns) c.destroy();
      await waitUntil(() => second.log.includes("SUBSCRIBE +switch-master"), 5000, "SUBSCRIBE on the second");
      await waitUntil(() => moves.length > 0, 5000, "the missed move");
      assert.deepEqual(moves, [newPrimary.endpoint]);
      assert.ok(source.subscribed);
    } finally {
      source.close();
    }
  });

  test("a silent subscription is noticed by the keep-alive PING", async () => {
    const primary = await roleServer("master");
    const mute = await sentinelServer(() => primary.endpoint);
    const backup = await sentinelServer(() => primary.endpoint);
    const normal = mute.script;
    // once subscribed, the first sentinel stops answering anything
    mute.script = (args, conn) => args[0] === "PING" ? null : normal(args, conn);
    const source = sentinelEndpoints({
      sentinels: [mute.endpoint, backup.endpoint],
      name: "mymaster",
      timeoutMs: 200,
      keepAliveMs: 50,
      resubscribeDelayMs: 10,
    });
    source.onMoved(() => {});
    try {
      await waitUntil(() => backup.log.includes("SUBSCRIBE +switch-master"), 5000, "SUBSCRIBE on the backup");
      assert.ok(mute.log.includes("PING"));
    } finally {
      source.close();
    }
  });

  test("close() ends the subscription and every connection; current() then rejects", async () => {
    const primary = await roleServer("master");
    const sentinel = await sentinelServer(() => primary.endpoint);
    const silent = await fakeServer(() => null);
    const before = activeResources();
    const source = sentinelEndpoints({ sentinels: [silent.endpoint, sentinel.endpoint], name: "mymaster" });
    source.onMoved(() => {});
    const pending = source.current(); // waits on the silent sentinel
    const rejected = assert.rejects(pending, (e: unknown) => e instanceof VeidrodelisError && e.code === "CLOSED");
    await waitUntil(() => silent.log.length > 0, 5000, "the query to reach the silent sentinel");
    source.close();
    await rejected;
    await assert.rejects(source.current(), (e: unknown) => e instanceof VeidrodelisError && e.code === "CLOSED");
    await waitUntil(() => silent.conns.size === 0 && sentinel.conns.size === 0, 5000, "the servers to see closes");
    assert.deepEqual(await leakedSince(before), {});
  });
});
