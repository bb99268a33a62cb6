/**
 * The recipe in examples/proxy-fetch.ts, proven on loopback: ECE behind an HTTP CONNECT proxy,
 * with a certificate from a private CA made for this test (openssl). Every request the SDK makes
 * must reach the HTTPS stub through a tunnel of the proxy, and be trusted only with the CA.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createProxyFetch, type ProxyFetch } from "../../examples/proxy-fetch.js";
import { createEceClient, type EceClient } from "../../src/index.js";
import { REVOKE_PATH, SEND_PATH, TOKEN_PATH } from "../support/ece-stub.js";
import {
  createPrivateCa,
  startConnectProxy,
  startHttpsEceStub,
  type ConnectProxy,
  type HttpsEceStub,
  type PrivateCa,
} from "../support/proxy-and-tls.js";

const CREDENTIALS = { clientKey: "proxy-test-key", clientSecret: "Proxy-Test-Secret-41c" };
// Long: the SDK redacts its token wherever it occurs in network text, and "t" occurs everywhere.
const ACCESS_TOKEN = "proxy-test-access-token";
const PROXY_USER = "svc-ece";
const PROXY_PASSWORD = "Pr0xy-Pa55word-9d2e";
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const text = { conversationId: "c-1", message: "hello through the proxy" };

let ca: PrivateCa;
let ece: HttpsEceStub;
let proxy: ConnectProxy;
let authProxy: ConnectProxy;

beforeAll(async () => {
  ca = await createPrivateCa();
  [ece, proxy, authProxy] = await Promise.all([
    startHttpsEceStub(ca),
    startConnectProxy(),
    startConnectProxy({ proxyAuthorization: basic(PROXY_USER, PROXY_PASSWORD) }),
  ]);
});

afterAll(async () => {
  await Promise.all([ece?.close(), proxy?.close(), authProxy?.close()]);
  await ca?.remove();
});

// Each test's clients and fetches, closed after it (the client first: it revokes its tokens).
const opened: { clients: EceClient[]; fetches: ProxyFetch[] } = { clients: [], fetches: [] };
function track<T extends EceClient | ProxyFetch>(item: T, list: T[]): T {
  list.push(item);
  return item;
}
afterEach(async () => {
  await Promise.all(opened.clients.splice(0).map((client) => client.close()));
  await Promise.all(opened.fetches.splice(0).map((fetch) => fetch.close()));
});
const clientWith = (fetch: ProxyFetch, auth: { credentials: typeof CREDENTIALS } | { accessToken: string } = { credentials: CREDENTIALS }) =>
  track(createEceClient({ baseUrl: ece.url, ...auth, fetch: track(fetch, opened.fetches) }), opened.clients);

/** Where the stub's requests and a proxy's tunnels stand now (the servers are shared by the tests). */
const mark = (through: ConnectProxy) => ({ requests: ece.requests.length, tunnels: through.tunnels.length });
/** The stub's requests and the proxy's tunnels since `from`. */
function since(from: ReturnType<typeof mark>, through: ConnectProxy) {
  return { requests: ece.requests.slice(from.requests), tunnels: through.tunnels.slice(from.tunnels) };
}

/** The outcome with everything a caller could log, as one string: no secret may be in it. */
const printed = (outcome: unknown) => `${JSON.stringify(outcome)} ${String((outcome as { message?: unknown }).message)}`;

describe("createProxyFetch: a CONNECT proxy and a private CA", () => {
  it("(a) sends through the proxy and trusts ECE's certificate with the CA given", async () => {
    const start = mark(proxy);
    const client = clientWith(createProxyFetch({ proxyUrl: proxy.url, ca: ca.caPem }));

    expect(await client.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess", status: 200, messageId: "m-1" });
    await client.close(); // revokes the token, through the proxy too

    const { requests, tunnels } = since(start, proxy);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${TOKEN_PATH}`, `POST ${SEND_PATH}`, `POST ${REVOKE_PATH}`]);
    expect(requests[1]!.authorization).toBe(`Bearer token-for-${CREDENTIALS.clientKey}`);
    expect(tunnels.length).toBeGreaterThan(0);
    for (const tunnel of tunnels) expect(tunnel).toMatchObject({ target: `127.0.0.1:${ece.port}`, status: 200 });
    for (const request of requests) expect(proxy.carried(request.remotePort), `${request.path} came through the proxy`).toBe(true);
  });

  it("(b) without the CA, ECE's certificate is not trusted: error, delivered: false, nothing reaches ECE", async () => {
    // The token request is the first to fail; a token failure never carries the message.
    let start = mark(proxy);
    let failures = ece.handshakeFailures;
    const withCredentials = await clientWith(createProxyFetch({ proxyUrl: proxy.url })).sendTextMessage(text);
    expect(withCredentials).toMatchObject({ kind: "error", delivered: false, message: expect.stringContaining("UNABLE_TO_VERIFY_LEAF_SIGNATURE") });
    expect(since(start, proxy).requests).toEqual([]);
    // An untrusted certificate proves no connection to ECE: the token request is retried (1 + maxRetries).
    const tunnel = expect.objectContaining({ target: `127.0.0.1:${ece.port}`, status: 200 });
    expect(since(start, proxy).tunnels).toEqual([tunnel, tunnel, tunnel]);
    await ece.handshakesFailed(failures + 1); // the stub saw the client give up on its certificate

    // With a token given, the send itself fails: the SDK reads the TLS error's code as "no
    // connection was made", so delivered is false here too, not "unknown".
    start = mark(proxy);
    failures = ece.handshakeFailures;
    const withToken = await clientWith(createProxyFetch({ proxyUrl: proxy.url }), { accessToken: ACCESS_TOKEN }).sendTextMessage(text);
    expect(withToken).toEqual({
      kind: "error",
      delivered: false,
      // Node 24 adds "; if the root CA is installed locally, try running Node.js with --use-system-ca".
      message: expect.stringMatching(/^Network error: fetch failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate[;)]/),
    });
    expect(since(start, proxy).requests).toEqual([]);
    await ece.handshakesFailed(failures + 1); // the stub saw the client give up on its certificate
  });

  it("(c) a proxy that asks for credentials: none or wrong ones are an error, right ones succeed", async () => {
    const start = mark(authProxy);
    const missing = await clientWith(createProxyFetch({ proxyUrl: authProxy.url, ca: ca.caPem })).sendTextMessage(text);
    expect(missing).toEqual({
      kind: "error",
      delivered: false,
      message: "Network error: fetch failed (UND_ERR_ABORTED: Proxy response (407) !== 200 when HTTP Tunneling)",
    });

    const wrong = await clientWith(
      createProxyFetch({ proxyUrl: authProxy.url, ca: ca.caPem, proxyAuthorization: basic(PROXY_USER, "not-the-password") }),
    ).sendTextMessage(text);
    expect(wrong).toMatchObject({ kind: "error", delivered: false });
    expect(since(start, authProxy).requests).toEqual([]); // nothing got past the proxy
    // A refused tunnel proves nothing reached ECE: each client retried (1 + maxRetries tunnels).
    expect(since(start, authProxy).tunnels.map((t) => t.status)).toEqual([407, 407, 407, 407, 407, 407]);

    // With a token given the send is the first request: the proxy's refusal of the tunnel is
    // read from the error's causes, so the SDK knows nothing reached ECE.
    const withToken = await clientWith(createProxyFetch({ proxyUrl: authProxy.url, ca: ca.caPem }), { accessToken: ACCESS_TOKEN }).sendTextMessage(text);
    expect(withToken).toEqual({
      kind: "error",
      delivered: false,
      message: "Network error: fetch failed (UND_ERR_ABORTED: Proxy response (407) !== 200 when HTTP Tunneling)",
    });

    // Right credentials, as a Proxy-Authorization value or in the proxy's URL (HTTPS_PROXY's form).
    const right = mark(authProxy);
    const byHeader = clientWith(
      createProxyFetch({ proxyUrl: authProxy.url, ca: ca.caPem, proxyAuthorization: basic(PROXY_USER, PROXY_PASSWORD) }),
    );
    expect(await byHeader.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess", messageId: "m-1" });
    const inUrl = new URL(authProxy.url);
    inUrl.username = PROXY_USER;
    inUrl.password = PROXY_PASSWORD;
    const byUrl = clientWith(createProxyFetch({ proxyUrl: inUrl, ca: ca.caPem }));
    expect(await byUrl.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess", messageId: "m-1" });

    const { requests, tunnels } = since(right, authProxy);
    expect(requests.map((r) => r.path)).toEqual([TOKEN_PATH, SEND_PATH, TOKEN_PATH, SEND_PATH]);
    for (const request of requests) expect(authProxy.carried(request.remotePort)).toBe(true);
    for (const tunnel of tunnels) expect(tunnel).toMatchObject({ status: 200, proxyAuthorization: basic(PROXY_USER, PROXY_PASSWORD) });
  });

  it("(d) no outcome, nor its message, contains the proxy's password", async () => {
    const secrets = [PROXY_PASSWORD, basic(PROXY_USER, PROXY_PASSWORD), Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString("base64")];
    const wrongPassword = `${PROXY_PASSWORD}-wrong`;
    const inUrl = (password: string, port = authProxy.port) => `http://${PROXY_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    const outcomes = [
      // Refused (407) with the wrong password, in the URL and as a header.
      await clientWith(createProxyFetch({ proxyUrl: inUrl(wrongPassword), ca: ca.caPem })).sendTextMessage(text),
      await clientWith(createProxyFetch({ proxyUrl: authProxy.url, ca: ca.caPem, proxyAuthorization: basic(PROXY_USER, wrongPassword) }), {
        accessToken: ACCESS_TOKEN,
      }).sendTextMessage(text),
      // The right password, but ECE's certificate not trusted (the tunnel opened).
      await clientWith(createProxyFetch({ proxyUrl: inUrl(PROXY_PASSWORD) }), { accessToken: ACCESS_TOKEN }).sendTextMessage(text),
      // The right password, and a proxy that is not there (port 1: refused).
      await clientWith(createProxyFetch({ proxyUrl: inUrl(PROXY_PASSWORD, 1), ca: ca.caPem })).sendTextMessage(text),
      // And a success.
      await clientWith(createProxyFetch({ proxyUrl: inUrl(PROXY_PASSWORD), ca: ca.caPem })).sendTextMessage(text),
    ];
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["error", "error", "error", "error", "sendMessageSuccess"]);
    for (const outcome of outcomes) {
      for (const secret of [...secrets, wrongPassword, basic(PROXY_USER, wrongPassword)]) expect(printed(outcome)).not.toContain(secret);
    }
  });

  it("refuses a Request object rather than sending it wrong (the SDK passes a URL and an init)", async () => {
    const proxyFetch = track(createProxyFetch({ proxyUrl: proxy.url, ca: ca.caPem }), opened.fetches);
    await expect(proxyFetch(new Request(`${ece.url}/`))).rejects.toThrow(TypeError);
  });
});

describe("createEnvironmentProxyFetch: HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS", () => {
  it("in a process started with them: proxied and trusted, NO_PROXY direct; Node's own fetch ignores HTTPS_PROXY; an explicit ca replaces NODE_EXTRA_CA_CERTS", async () => {
    // NODE_EXTRA_CA_CERTS is read once, at process start: only a new process can show it.
    const script = join(ca.dir, "environment.mts");
    const root = resolve(import.meta.dirname, "../..");
    const from = (path: string) => JSON.stringify(pathToFileURL(join(root, path)).href);
    await writeFile(
      script,
      `import { rootCertificates } from "node:tls";
import { createEnvironmentProxyFetch, createProxyFetch } from ${from("examples/proxy-fetch.ts")};
import { createEceClient } from ${from("src/index.ts")};
const send = async (clientKey: string, fetch?: typeof globalThis.fetch) => {
  const ece = createEceClient({ baseUrl: process.env.ECE_URL!, credentials: { clientKey, clientSecret: "s" }, ...(fetch ? { fetch } : {}) });
  const outcome = await ece.sendTextMessage({ conversationId: "c-1", message: "m" });
  await ece.close();
  return outcome.kind;
};
const proxied = createEnvironmentProxyFetch();
const results = { proxied: await send("proxied", proxied), nodeFetch: await send("node-fetch") };
await proxied.close();
process.env.NO_PROXY = "127.0.0.1";
const direct = createEnvironmentProxyFetch();
Object.assign(results, { noProxy: await send("no-proxy", direct) });
await direct.close();
// An explicit \`ca\` replaces the default trust, NODE_EXTRA_CA_CERTS included.
const replaced = createProxyFetch({ proxyUrl: process.env.HTTPS_PROXY!, ca: [...rootCertificates] });
Object.assign(results, { explicitCa: await send("explicit-ca", replaced) });
await replaced.close();
console.log(JSON.stringify(results));
`,
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!/^(https?_proxy|no_proxy|all_proxy|node_use_env_proxy|node_options|node_tls_reject_unauthorized)$/i.test(name)) env[name] = value;
    }
    Object.assign(env, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.caFile, ECE_URL: ece.url });
    const start = mark(proxy);
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      proxied: "sendMessageSuccess",
      nodeFetch: "sendMessageSuccess",
      noProxy: "sendMessageSuccess",
      explicitCa: "error", // Mozilla's roots only: the test CA from NODE_EXTRA_CA_CERTS no longer counts
    });

    // Which of the child's requests the proxy carried, by client (the token names it).
    const viaProxy: Record<string, boolean[]> = {};
    for (const request of since(start, proxy).requests) {
      const [scheme, value = ""] = (request.authorization ?? "").split(" ");
      const client = scheme === "Basic" ? Buffer.from(value, "base64").toString().split(":")[0]! : value.replace(/^token-for-/, "");
      (viaProxy[client] ??= []).push(proxy.carried(request.remotePort));
    }
    expect(viaProxy).toEqual({
      proxied: [true, true, true], // token, send, revoke
      "node-fetch": [false, false, false],
      "no-proxy": [false, false, false],
    });
  });
});
