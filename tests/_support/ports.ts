// Free loopback ports for test servers. Works on Node, Deno and Bun (node:net only).
import net from "node:net";

/**
 * Returns a TCP port that was free on `host` a moment ago (listen on port 0, read the port, close).
 * There is an unavoidable race with other processes: callers that bind the port later must retry on
 * EADDRINUSE (startRedis does).
 */
export function getFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close((err) => (err ? reject(err) : port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

/** True when nothing accepts connections on host:port (a quick connect probe). */
export function isPortClosed(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(true);
    }, timeoutMs);
    sock.once("connect", () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(false);
    });
    sock.once("error", () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(true);
    });
  });
}
