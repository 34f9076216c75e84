// Test certificates made with the `openssl` CLI in a temp dir: a CA, a server certificate it signs (names
// localhost and 127.0.0.1), a client certificate it signs (mutual TLS), and an unrelated CA.
//
//   const certs = makeTestCertificates();
//   startRedis({ config: tlsServerConfig(certs, tlsPort) });
//   new Mirror({ port: tlsPort, tls: { ca: certs.caPem } });
//   certs.remove();
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TestCertificates {
  /** The temp dir holding every file (removed by remove()). */
  readonly dir: string;
  /** Paths of the PEM files. */
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** PEM text of the CA, the client certificate and key, and of a CA that signed nothing here. */
  readonly caPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  readonly otherCaPem: string;
  /** Deletes the temp dir. Idempotent. */
  remove(): void;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** A key and a certificate signed by ca.pem (or self-signed when `ca` is false). */
function issue(dir: string, name: string, subject: string, extensions: string, ca: boolean): void {
  openssl(
    dir,
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-subj",
    subject,
    "-out",
    `${name}.csr`,
  );
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  const signer = ca ? ["-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"] : ["-signkey", `${name}.key`];
  openssl(
    dir,
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    ...signer,
    "-days",
    "2",
    "-sha256",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.pem`,
  );
}

/** Makes the certificates (about a second of openssl). */
export function makeTestCertificates(): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "veidrodelis-tls-"));
  const caExt = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
  issue(dir, "ca", "/CN=veidrodelis test CA", caExt, false);
  issue(dir, "other-ca", "/CN=unrelated test CA", caExt, false);
  issue(
    dir,
    "server",
    "/CN=localhost",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" +
      "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    true,
  );
  issue(
    dir,
    "client",
    "/CN=mirror",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
    true,
  );
  const read = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");
  return {
    dir,
    caFile: path.join(dir, "ca.pem"),
    serverCertFile: path.join(dir, "server.pem"),
    serverKeyFile: path.join(dir, "server.key"),
    clientCertFile: path.join(dir, "client.pem"),
    clientKeyFile: path.join(dir, "client.key"),
    caPem: read("ca.pem"),
    clientCertPem: read("client.pem"),
    clientKeyPem: read("client.key"),
    otherCaPem: read("other-ca.pem"),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * `startRedis` config for a TLS port next to the plain one (the plain port stays: the test harness manages
 * the server through it). `authClients` asks for a client certificate (mutual TLS).
 */
export function tlsServerConfig(
  certs: TestCertificates,
  tlsPort: number,
  authClients = false,
): Record<string, string | number> {
  return {
    "tls-port": tlsPort,
    "tls-cert-file": certs.serverCertFile,
    "tls-key-file": certs.serverKeyFile,
    "tls-ca-cert-file": certs.caFile,
    "tls-auth-clients": authClients ? "yes" : "no",
    "tls-replication": "yes",
  };
}
