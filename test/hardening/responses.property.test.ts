/**
 * Property: every response maps to exactly one documented outcome. Each run sends one operation
 * to a local server that answers with an arbitrary status (100-599: 1xx, 204 and 3xx included),
 * arbitrary headers and an arbitrary body (JSON of the wrong shape, invalid JSON, empty, binary,
 * HTML error pages, error bodies that echo secrets). The promise always resolves, to a kind the
 * operation documents, consistent with the status, and never holds the client secret or a token.
 * Runs: HARDENING_RUNS (default 2000); the token endpoint gets a property of its own.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEceClient, type MessageOperationName as OperationName, type Outcome } from "../../src/index.js";
import { documentedKinds, expectedSuccessKind, operationNames } from "../support/expected-outcomes.js";
import { validCall } from "../support/operations.js";
import { rawReply, startRawServer, type RawServer } from "../support/raw-server.js";

const runs = Number(process.env.HARDENING_RUNS ?? 2000);
const clientSecret = "Hardening-Client-Secret-5b1e";
const issuedToken = "Issued-Token-c0ffee-1234";
const fixedToken = "Fixed-Token-deadbeef-5678";
const basicCredentials = Buffer.from(`key:${clientSecret}`).toString("base64");
/** Every secret a server might echo; each client must keep out the ones it holds. */
const secrets = [clientSecret, issuedToken, fixedToken, basicCredentials];
const credentialsClientSecrets = [clientSecret, basicCredentials, issuedToken];
const fixedClientSecrets = [fixedToken];

interface Reply {
  status: number;
  headers: [string, string][];
  body: Buffer;
  framing: "length" | "chunked" | "close";
}
let nextReply: Reply;
let tokenReply: Reply | undefined;
let server: RawServer;

beforeAll(async () => {
  server = await startRawServer((request, socket) => {
    const reply = request.path.includes("/oauth2/token") && tokenReply ? tokenReply : nextReply;
    if (request.path.includes("/oauth2/token") && !tokenReply) {
      rawReply(socket, 200, [["Content-Type", "application/json"]], JSON.stringify({ access_token: issuedToken, expires_in: 3600 }));
      return;
    }
    try {
      rawReply(socket, reply.status, reply.headers, reply.body, reply.framing);
    } catch {
      socket.destroy();
    }
  });
});
afterAll(() => server.close());

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/).map((v) => v.trim());
const reservedHeaders = new Set(["content-length", "transfer-encoding", "connection"]);
const headers = fc.array(fc.tuple(token, headerValue), { maxLength: 6 }).map((list) =>
  list.filter(([name]) => !reservedHeaders.has(name.toLowerCase())),
);
const contentType = fc.constantFrom<[string, string][]>(
  [["Content-Type", "application/json"]],
  [["Content-Type", "application/json; charset=utf-8"]],
  [["Content-Type", "text/html"]],
  [["Content-Type", "application/octet-stream"]],
  [],
);
const secretEcho = fc.constantFrom(...secrets).map((secret) =>
  JSON.stringify({ code: `${secret}`, developerMessage: `Session ${secret} not found`, id: secret, geolocation: { label: secret } }),
);
const body = fc.oneof(
  fc.json().map((text) => Buffer.from(text)),
  fc.string().map((text) => Buffer.from(text)),
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>",
    '{"code":"400-1","developerMessage":"Illegal unquoted character ((CTRL-CHAR, code 10))"}',
    '{"code":"404-1","developerMessage":"The conversation does not exist."}',
    '{"id":"1","attachments":{"attachment":[{"id":"9","size":"12","fileName":"f"}]}}',
    '{"attachments":{"attachment":"nope"}}',
    "null",
    "[]",
    '"just a string"',
  ).map((text) => Buffer.from(text)),
  secretEcho.map((text) => Buffer.from(text)),
);
const reply = fc.record<Reply>({
  status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constantFrom(200, 201, 204, 301, 302, 304, 307, 400, 401, 404, 409, 500)),
  headers: fc.tuple(contentType, headers).map(([a, b]) => [...a, ...b]),
  body,
  framing: fc.constantFrom("length", "length", "chunked", "close"),
});

function expectNoSecret(outcome: Outcome, held: string[]): void {
  const text = JSON.stringify(outcome);
  for (const secret of held) expect(text).not.toContain(secret);
}

describe("every response maps to exactly one documented outcome", () => {
  const fixedClient = createEceClientFor(() => server.url, { accessToken: fixedToken });
  const credentialsClient = createEceClientFor(() => server.url, { credentials: { clientKey: "key", clientSecret } });

  it(`for each operation, any status, headers and body (${runs} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operationNames), reply, fc.boolean(), async (operation, answer, useCredentials) => {
        nextReply = answer;
        tokenReply = undefined;
        const client = useCredentials ? credentialsClient() : fixedClient();
        const outcome = await validCall[operation](client, { timeoutMs: 2_000 });
        checkOutcome(operation, answer.status, outcome);
        expectNoSecret(outcome, useCredentials ? credentialsClientSecrets : fixedClientSecrets);
      }),
      { numRuns: runs },
    );
  });

  it(`for the token endpoint, any status, headers and body (${Math.ceil(runs / 4)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operationNames), reply, async (operation, answer) => {
        tokenReply = answer;
        nextReply = { status: 204, headers: [], body: Buffer.alloc(0), framing: "length" };
        const outcome = await validCall[operation](credentialsClient(), { timeoutMs: 2_000 });
        expect(documentedKinds(operation)).toContain(outcome.kind);
        expectNoSecret(outcome, [clientSecret, basicCredentials]);
        const tokenOk = answer.status >= 200 && answer.status <= 299;
        if (!tokenOk && answer.status >= 200) {
          // Refused credentials are authorizationFail; no token endpoint there (404, a redirect)
          // is error naming baseUrl and apiRoot; 500 and the rest as for a send.
          const s = answer.status;
          const expected =
            s === 400 || s === 401 || s === 403
              ? "authorizationFail"
              : s === 404 || (s >= 300 && s <= 399)
                ? "error"
                : s === 500
                  ? "internalServerError"
                  : "invalidChoice";
          // The Fetch standard itself turns a 407 into a network error, and retries a 421 once
          // (which can fail on the network): for those two, error is the honest outcome too.
          const kinds = s === 407 || s === 421 ? [expected, "error"] : [expected];
          expect(kinds).toContain(outcome.kind);
          if (outcome.kind !== "error" && outcome.kind !== "timeout") expect(outcome).toMatchObject({ status: s });
          if (expected === "error" && outcome.kind === "error" && outcome.status === s) {
            expect(outcome.message).toContain("check the client's baseUrl and apiRoot");
          }
        }
        if (outcome.kind === "sendMessageSuccess" || outcome.kind.startsWith("attachment") || outcome.kind === "sendGeolocationSuccess") {
          expect(tokenOk).toBe(true);
        }
      }),
      { numRuns: Math.ceil(runs / 4) },
    );
  });

  /** The checks every run makes. */
  function checkOutcome(operation: OperationName, status: number, outcome: Outcome): void {
    expect(documentedKinds(operation)).toContain(outcome.kind);
    if ("status" in outcome && outcome.status !== undefined) expect(outcome.status).toBe(status);
    if (status >= 200 && status <= 299) {
      // A 2xx is the success kind, unless its body could not be read (error, with the status).
      if (outcome.kind !== expectedSuccessKind[operation]) expect(outcome).toMatchObject({ kind: "error", status });
    } else {
      expect(outcome.kind).not.toBe(expectedSuccessKind[operation]);
    }
    // Whether the message may have reached ECE: any failure says; an answered 3xx/4xx never was.
    if ("delivered" in outcome) {
      const answered = "status" in outcome && outcome.status !== undefined;
      if (answered && status >= 300 && status <= 499) expect(outcome.delivered).toBe(false);
      else expect(outcome.delivered).toBe("unknown"); // written: 2xx unreadable, 5xx, or no complete answer
    }
  }
});

/** A fresh client per run (so no token state leaks between runs), created lazily. */
function createEceClientFor(
  baseUrl: () => string,
  auth: { accessToken: string } | { credentials: { clientKey: string; clientSecret: string } },
): () => ReturnType<typeof createEceClient> {
  return () => createEceClient({ baseUrl: baseUrl(), ...auth } as Parameters<typeof createEceClient>[0]);
}
