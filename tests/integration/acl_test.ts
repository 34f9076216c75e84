import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Mirror } from "../../mod.ts";
import { commandList } from "../../src/commands/mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { getFreePort } from "../_support/ports.ts";
import { caughtUp } from "../_support/sync.ts";
import { ReplicationTap } from "../_support/replication_tap.ts";
import { makeTestCertificates, type TestCertificates, tlsServerConfig } from "../_support/tls.ts";

/**
 * Write commands a Redis 7.0+ primary never propagates verbatim: it sends commands the mirror applies
 * instead (Redis src/t_string.c, script.c / eval.c effects replication, cluster.c migrateCommand,
 * t_stream.c streamPropagateXCLAIM). The test below checks each one but MIGRATE on a live server.
 */
const REWRITTEN_BEFORE_PROPAGATION: Readonly<Record<string, string>> = {
  incrbyfloat: "SET … KEEPTTL",
  eval: "the script's effects in MULTI/EXEC",
  evalsha: "the script's effects in MULTI/EXEC",
  fcall: "the function's effects in MULTI/EXEC",
  migrate: "DEL of the moved keys",
  xreadgroup: "XCLAIM / XGROUP SETID",
};

/** Whether the mirror applies what the primary propagates for this command. */
function mirrorFollows(name: string): boolean {
  const container = name.split("|")[0];
  if (REWRITTEN_BEFORE_PROPAGATION[container] !== undefined) return true;
  const spec = commandList.find((c) => c.name === container);
  return spec !== undefined && spec.unsupported === undefined;
}

/**
 * The ACL rules that keep an application's write user from running commands the mirror cannot follow,
 * from the server's own list of write commands (`COMMAND LIST FILTERBY ACLCAT write`: module commands
 * included when loaded) and the mirror's command table.
 */
function writerAclRecipe(serverWriteCommands: readonly string[]): string[] {
  return serverWriteCommands.filter((name) => !mirrorFollows(name)).sort().map((name) => `-${name}`);
}

const README = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "README.md");
const RECIPE_BEGIN = "<!-- acl-recipe:begin (checked by tests/integration/acl_test.ts) -->";
const RECIPE_END = "<!-- acl-recipe:end -->";

/** The rules of the `ACL SETUSER` line between the README's marks. */
function readmeRecipe(): string[] | null {
  const text = fs.readFileSync(README, "utf8");
  const begin = text.indexOf(RECIPE_BEGIN);
  const end = text.indexOf(RECIPE_END);
  if (begin < 0 || end < begin) return null;
  const line = text.slice(begin, end).split("\n").find((l) => l.trim().startsWith("ACL SETUSER"));
  return line === undefined
    ? null
    : line.trim().split(/\s+/).filter((word) => word.startsWith("-") && word !== "-@all");
}

describe("ACL", () => {
  let server: RedisServer;
  let writeCommands: string[];
  let recipe: string[];

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
    const admin = server.client();
    writeCommands = (await admin.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "write")) as string[];
    recipe = writerAclRecipe(writeCommands);
    await admin.call("ACL", "SETUSER", "mirror", "on", ">mirror-pw", "-@all", "+psync", "+replconf", "+ping");
    await admin.call("ACL", "SETUSER", "app", "on", ">app-pw", "~*", "&*", "+@all", ...recipe);
  });

  after(async () => {
    await server?.stop();
  });

  test("a replica user allowed only PSYNC, REPLCONF and PING follows the primary", async () => {
    // AUTH needs no permission; the mirror sends nothing but PING, AUTH, REPLCONF and PSYNC.
    const mirror = await Mirror.connect({ port: server.port, username: "mirror", password: "mirror-pw" });
    try {
      const app = server.client({ username: "app", password: "app-pw" });
      await app.set("k", "v");
      await app.hset("h", "f", "1");
      await caughtUp(mirror, server);
      assert.equal(mirror.get("k"), "v");
      assert.equal(mirror.hget("h", "f"), "1");
      const log = (await server.client().call("ACL", "LOG")) as unknown[];
      assert.equal(log.length, 0, "no command of the mirror was denied");
    } finally {
      await mirror.close();
    }
  });

  test("the recipe for write users, derived from the command table, is the README's", () => {
    // Redis 7.0.15 without modules: only the cluster-internal RESTORE-ASKING is propagated as such.
    assert.deepEqual(recipe, ["-restore-asking"]);
    assert.deepEqual(
      readmeRecipe(),
      recipe,
      `README.md must hold, between ${RECIPE_BEGIN} and ${RECIPE_END}, an ACL SETUSER line with: ${recipe.join(" ")}`,
    );
  });

  test("a write user with the recipe gets NOPERM for those commands, and may use the others", async () => {
    const app = server.client({ username: "app", password: "app-pw" });
    for (const rule of recipe) {
      const name = rule.slice(1).split("|");
      await assert.rejects(app.call(name[0], ...name.slice(1), "k", "0", "x"), /NOPERM/);
    }
    assert.equal(await app.set("allowed", "1"), "OK");
    assert.equal(await app.incrbyfloat("f", "0.5"), "0.5");
  });

  test("commands the table refuses or lacks reach the mirror only as commands it applies", async () => {
    const admin = server.client();
    const tap = await ReplicationTap.open(server.port);
    try {
      await admin.incrbyfloat("float", "2.25");
      await admin.eval("redis.call('set', KEYS[1], 'by-eval')", 1, "e");
      const sha = (await admin.script("LOAD", "redis.call('set', KEYS[1], 'by-evalsha')")) as string;
      await admin.evalsha(sha, 1, "e2");
      await admin.call(
        "FUNCTION",
        "LOAD",
        "REPLACE",
        "#!lua name=acltest\nredis.register_function('w', " +
          "function(keys) return redis.call('set', keys[1], 'by-fcall') end)",
      );
      await admin.call("FCALL", "w", 1, "e3");
      await admin.xadd("st", "1-1", "f", "v");
      await admin.xgroup("CREATE", "st", "g", "0");
      await admin.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "st", ">");
      await admin.publish("acl-test", "end");
      const propagated = (await tap.until("end")).map((c) => c[0].toString().toLowerCase());
      for (const name of ["incrbyfloat", "eval", "evalsha", "fcall", "xreadgroup"]) {
        assert.ok(!propagated.includes(name), `${name} is not propagated verbatim`);
      }
      for (const name of propagated) {
        const spec = commandList.find((c) => c.name === name);
        assert.ok(spec !== undefined && spec.unsupported === undefined, `${name} is applied by the mirror`);
      }
    } finally {
      tap.close();
    }
  });
});

describe("ACL over TLS", () => {
  let certs: TestCertificates;
  let server: RedisServer;
  let tlsPort: number;

  before(async () => {
    certs = makeTestCertificates();
    tlsPort = await getFreePort();
    server = await startRedis({ config: { ...tlsServerConfig(certs, tlsPort), "repl-diskless-sync-delay": 0 } });
    const admin = server.client();
    await admin.call("ACL", "SETUSER", "mirror", "on", ">mirror-pw", "-@all", "+psync", "+replconf", "+ping");
    await admin.set("k", "over tls");
  });

  after(async () => {
    await server?.stop();
    certs?.remove();
  });

  test("the minimal replica user over rediss://", async () => {
    const url = `rediss://mirror:mirror-pw@localhost:${tlsPort}`;
    const mirror = await Mirror.connect({ url, tls: { ca: certs.caPem } });
    try {
      assert.equal(mirror.get("k"), "over tls");
    } finally {
      await mirror.close();
    }
  });
});
