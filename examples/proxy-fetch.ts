/**
 * A `fetch` that reaches ECE through a corporate proxy and trusts a private CA, for
 * `createEceClient`'s `fetch` option. Copy this file into your app and add undici 7
 * (`npm install --save-exact undici@7`: undici 7 runs on Node 20.18.1 and newer; undici 8 needs
 * Node 22).
 *
 * Why: Node's built-in `fetch` ignores `HTTPS_PROXY` (Node 24 reads it only under
 * `NODE_USE_ENV_PROXY=1`) and takes no proxy or CA option. undici's `fetch` takes a `dispatcher`:
 * a `ProxyAgent` opens an HTTP CONNECT tunnel through the proxy and runs TLS with ECE inside it,
 * checking ECE's certificate against the CA given. This calls undici's own `fetch`, not the
 * global one: the global one is the undici bundled with Node, another version, which a
 * dispatcher from the npm package is not guaranteed to work with.
 *
 * Proven by test/proxy/proxy-and-ca.test.ts (a CONNECT proxy and an HTTPS stub of ECE on
 * 127.0.0.1, with a CA made for the test); explained in guides/proxy-and-private-ca.md.
 *
 * @module
 */

// Usage (in an app, import from "ece-messaging"):
//
//   import { readFileSync } from "node:fs";
//   import { createEceClient } from "../src/index.js";
//   import { createProxyFetch } from "./proxy-fetch.js";
//
//   const proxyFetch = createProxyFetch({
//     proxyUrl: "http://proxy.corp.example:3128",
//     ca: readFileSync("/etc/pki/corp-root-ca.pem", "utf8"), // the CA that signed ECE's certificate
//     // Only if the proxy answers 407 (or put user:password in proxyUrl):
//     proxyAuthorization: `Basic ${Buffer.from(`${process.env.PROXY_USER}:${process.env.PROXY_PASSWORD}`).toString("base64")}`,
//   });
//   const ece = createEceClient({
//     baseUrl: "https://ece.corp.example",
//     credentials: { clientKey: process.env.ECE_CLIENT_KEY!, clientSecret: process.env.ECE_CLIENT_SECRET! },
//     fetch: proxyFetch,
//   });
//   // ... and at shutdown:
//   await ece.close(); // revokes the client's tokens (through the proxy)
//   await proxyFetch.close(); // then closes the tunnels
//
// Or configured by the environment, as curl is, with no proxy or CA in the code:
//
//   // HTTPS_PROXY=http://user:password@proxy.corp.example:3128 NO_PROXY=localhost,.internal
//   // NODE_EXTRA_CA_CERTS=/etc/pki/corp-root-ca.pem node app.js
//   const ece = createEceClient({ baseUrl, credentials, fetch: createEnvironmentProxyFetch() });

import { EnvHttpProxyAgent, ProxyAgent, fetch as undiciFetch, type Dispatcher, type RequestInit as UndiciRequestInit } from "undici";

/** PEM text (or its bytes) of one CA certificate or several. */
export type CaCertificates = string | Buffer | (string | Buffer)[];

/** What {@link createProxyFetch} needs. */
export interface ProxyFetchOptions {
  /**
   * The proxy, as `http://host:port` (or `https://` for a proxy that speaks TLS itself). User
   * and password in it (`http://user:pass@host:port`, percent-encoded) are sent as Basic
   * `Proxy-Authorization`.
   */
  proxyUrl: string | URL;
  /**
   * The CA certificate(s) that signed ECE's certificate, as PEM. It replaces Node's default
   * trust for the connections to ECE (Mozilla's list and `NODE_EXTRA_CA_CERTS`): give every CA
   * ECE's certificate may chain to (`[...tls.rootCertificates, pem]` keeps the public ones).
   * Omitted: Node's default trust, `NODE_EXTRA_CA_CERTS` included.
   */
  ca?: CaCertificates;
  /**
   * The whole `Proxy-Authorization` value, e.g. `Basic <base64 of user:password>` or
   * `Bearer <token>`; takes the place of any user and password in `proxyUrl`.
   */
  proxyAuthorization?: string;
}

/** A `fetch` that can also close its connections (after `ece.close()`, at shutdown). */
export type ProxyFetch = typeof fetch & {
  /** Closes the connections to the proxy once the requests in flight have ended. */
  close(): Promise<void>;
};

/**
 * A `fetch` that sends every request through the CONNECT proxy at `proxyUrl` and checks ECE's
 * certificate against `ca`: pass it as `createEceClient({ fetch })`.
 */
export function createProxyFetch({ proxyUrl, ca, proxyAuthorization }: ProxyFetchOptions): ProxyFetch {
  return fetchThrough(
    new ProxyAgent({
      uri: String(proxyUrl),
      ...(proxyAuthorization === undefined ? {} : { token: proxyAuthorization }),
      // The TLS session with ECE, inside the tunnel (`proxyTls` would be the one with the proxy).
      ...(ca === undefined ? {} : { requestTls: { ca } }),
    }),
  );
}

/**
 * A `fetch` configured by the environment, as curl and most tools are: `HTTPS_PROXY` (or
 * `https_proxy`; `HTTP_PROXY` also serves HTTPS when it is the only one set), `NO_PROXY` for the
 * hosts to reach directly, and the private CA from `NODE_EXTRA_CA_CERTS`, which Node reads at
 * process start and which undici's connections trust (through the proxy and without it).
 */
export function createEnvironmentProxyFetch(): ProxyFetch {
  return fetchThrough(new EnvHttpProxyAgent());
}

/** undici's `fetch` with `dispatcher`, typed as the global `fetch` the SDK's option expects. */
function fetchThrough(dispatcher: Dispatcher): ProxyFetch {
  const proxyFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // The SDK calls fetch(url, init). A Request built by the global fetch's classes is not one
    // undici's fetch can read, so it is refused rather than sent wrong.
    if (typeof input !== "string" && !(input instanceof URL)) {
      return Promise.reject(new TypeError("This fetch takes a URL and an init object, not a Request."));
    }
    // undici's Response has the same members as the global one.
    return undiciFetch(input, { ...(init as UndiciRequestInit), dispatcher }) as unknown as Promise<Response>;
  };
  return Object.assign(proxyFetch, { close: () => dispatcher.close() });
}

