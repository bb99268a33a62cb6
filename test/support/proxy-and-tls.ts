/**
 * What the proxy recipe's test needs on loopback: a private CA made with openssl, an HTTPS stub
 * of ECE whose certificate that CA signed, and an HTTP CONNECT proxy that records every tunnel.
 *
 * Which requests went through the proxy is read off the sockets, not guessed: the proxy records
 * the local port of each connection it opens to the target, the stub the remote port of each
 * request's connection, so a request came through the proxy exactly when its port is one of
 * the proxy's.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { answer, REVOKE_PATH, SEND_PATH, TOKEN_PATH } from "./ece-stub.js";

const run = promisify(execFile);

/** A CA of the test's own and a certificate it signed for 127.0.0.1 and localhost. */
export interface PrivateCa {
  /** The directory holding the files (removed by {@link PrivateCa.remove}). */
  dir: string;
  /** The CA's certificate (PEM): what a client must trust. */
  caPem: string;
  /** The same, as a file (for `NODE_EXTRA_CA_CERTS`). */
  caFile: string;
  /** The server's key and certificate (PEM). */
  serverKey: string;
  serverCert: string;
  remove(): Promise<void>;
}

/** Makes a CA and a server certificate (IP and DNS SANs) with /usr/bin/openssl, in a temp dir. */
export async function createPrivateCa(): Promise<PrivateCa> {
  const dir = await mkdtemp(join(tmpdir(), "ece-proxy-ca-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  // P-256 keys: made in milliseconds, even on a loaded machine.
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl("req", "-x509", ...newKey, "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2",
    "-subj", "/CN=ece-messaging test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  await openssl("req", ...newKey, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=localhost");
  await writeFile(
    file("server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  await openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
    "-set_serial", "0x" + Date.now().toString(16), "-days", "2", "-extfile", file("server.ext"), "-out", file("server.pem"));
  return {
    dir,
    caPem: await readFile(file("ca.pem"), "utf8"),
    caFile: file("ca.pem"),
    serverKey: await readFile(file("server.key"), "utf8"),
    serverCert: await readFile(file("server.pem"), "utf8"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** One request the HTTPS stub answered. */
export interface HttpsRequest {
  method: string;
  /** The path without its query. */
  path: string;
  authorization: string | undefined;
  /** The port the request's connection came from (see the module's note). */
  remotePort: number;
}

export interface HttpsEceStub {
  /** `https://127.0.0.1:<port>`: pass as `baseUrl`. */
  url: string;
  port: number;
  requests: HttpsRequest[];
  /** Resolves once `count` TLS handshakes have failed in all (a client that did not trust the certificate). */
  handshakesFailed(count: number): Promise<void>;
  /** How many have so far. */
  handshakeFailures: number;
  close(): Promise<void>;
}

/**
 * An HTTPS stub of ECE on 127.0.0.1: the token endpoint hands out `token-for-<client key>` (so a
 * send can be told apart by client), sendmessage answers 200 `{"id":"m-1"}`, revoke 204. It
 * sends only its own certificate, as most servers do, not the CA's.
 */
export async function startHttpsEceStub(ca: PrivateCa): Promise<HttpsEceStub> {
  const requests: HttpsRequest[] = [];
  const sockets = new Set<Socket>();
  let handshakeFailures = 0;
  const server = createHttpsServer({ key: ca.serverKey, cert: ca.serverCert }, (req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    requests.push({ method: req.method ?? "", path, authorization: req.headers.authorization, remotePort: req.socket.remotePort ?? 0 });
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && path === TOKEN_PATH) {
        const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
        const clientKey = basic.split(":")[0];
        return answer(res, 200, { access_token: `token-for-${clientKey}`, expires_in: 3600, token_type: "Bearer" });
      }
      if (req.method === "POST" && path === SEND_PATH) return answer(res, 200, { id: "m-1" });
      if (req.method === "POST" && path === REVOKE_PATH) return answer(res, 204);
      return answer(res, 404, { code: "404-0", developerMessage: "No such path in the stub." });
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const waiting: { count: number; resolve: () => void }[] = [];
  server.on("tlsClientError", () => {
    handshakeFailures += 1;
    for (const waiter of waiting.filter((w) => w.count <= handshakeFailures)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requests,
    handshakesFailed: (count) =>
      count <= handshakeFailures ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    get handshakeFailures() {
      return handshakeFailures;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One CONNECT the proxy received. */
export interface Tunnel {
  /** What followed CONNECT, e.g. `127.0.0.1:8443`. */
  target: string;
  /** The Proxy-Authorization header it carried. */
  proxyAuthorization: string | undefined;
  /** The proxy's answer: 200 (tunnel opened), 407 (credentials missing or wrong) or 403. */
  status: number;
  /** The local port of the proxy's connection to the target (once it opened). */
  upstreamPort?: number;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  tunnels: Tunnel[];
  /** Whether a request's connection (by its remote port, as the stub saw it) was one of the proxy's. */
  carried(remotePort: number): boolean;
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 that only tunnels (CONNECT), only to loopback targets, and, given
 * `proxyAuthorization`, answers 407 to a CONNECT without exactly that Proxy-Authorization.
 */
export async function startConnectProxy(options: { proxyAuthorization?: string } = {}): Promise<ConnectProxy> {
  const tunnels: Tunnel[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const server = createHttpServer((_req, res) => res.writeHead(405, { Allow: "CONNECT" }).end());
  server.on("connection", track);
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    const tunnel: Tunnel = { target, proxyAuthorization: req.headers["proxy-authorization"], status: 0 };
    tunnels.push(tunnel);
    client.on("error", () => undefined);
    const refuse = (status: number, reason: string, extra = "") => {
      tunnel.status = status;
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (options.proxyAuthorization !== undefined && tunnel.proxyAuthorization !== options.proxyAuthorization) {
      return refuse(407, "Proxy Authentication Required", 'Proxy-Authenticate: Basic realm="test proxy"\r\n');
    }
    const match = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(target);
    if (!match) return refuse(403, "Forbidden");
    const upstream = connect(Number(match[2]), match[1]!, () => {
      tunnel.status = 200;
      tunnel.upstreamPort = upstream.localPort;
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnels,
    carried: (remotePort) => tunnels.some((tunnel) => tunnel.upstreamPort === remotePort),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
