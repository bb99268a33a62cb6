/**
 * Faults: a server that never answers, stalls after the headers, trickles the body a byte at a
 * time, resets mid-body, closes before the headers, or sends a 50 MB error body. Each call ends
 * at its timeoutMs, not at the server's pace - every fault here would last forever - as
 * `timeout` or `error` (the 50 MB body as its status's kind, read no further than 64 KiB);
 * connection refused and DNS failure are `error`.
 */
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEceClient, type Outcome } from "../../src/index.js";
import { operationNames } from "../support/expected-outcomes.js";
import { validCall } from "../support/operations.js";
import { startRawServer, type RawServer } from "../support/raw-server.js";

const TIMEOUT_MS = 300;
/** Room for a loaded machine; the faults never end on their own, so any bound proves the point. */
const SLACK_MS = 1_000;

let fault: (socket: Socket) => void = () => undefined;
/** Resolves when the client under test has the response's headers (its fetch resolved). */
let clientHasHeaders: Promise<void> = Promise.resolve();
let onClientHeaders: () => void = () => undefined;
/** The global fetch, telling the test when the headers are in: the client reads the body next. */
const observedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  onClientHeaders();
  return response;
};
let server: RawServer;
const timers = new Set<NodeJS.Timeout>();
beforeAll(async () => {
  server = await startRawServer((_request, socket) => fault(socket));
});
afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  await server.close();
});

function every(ms: number, action: () => void): void {
  timers.add(setInterval(action, ms));
}

interface Fault {
  name: string;
  behaviour: (socket: Socket) => void;
  kinds: string[];
}
const faults: Fault[] = [
  { name: "accepts and never answers", behaviour: () => undefined, kinds: ["timeout"] },
  {
    name: "answers 500 headers, then stalls the body",
    behaviour: (socket) =>
      server.write(socket, "HTTP/1.1 500 Oops\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"code\":"),
    kinds: ["timeout"],
  },
  {
    name: "answers 200 headers, then stalls the body",
    behaviour: (socket) =>
      server.write(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"),
    kinds: ["timeout"],
  },
  {
    name: "trickles the body one byte at a time past the timeout",
    behaviour: (socket) => {
      server.write(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      every(20, () => {
        if (!socket.destroyed) server.write(socket, '1\r\n"\r\n');
      });
    },
    kinds: ["timeout"],
  },
  {
    name: "resets the connection mid-body",
    behaviour: (socket) => {
      server.write(socket, "HTTP/1.1 500 Oops\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"developerMessage\":\"");
      void clientHasHeaders.then(() => socket.resetAndDestroy()); // mid-body: the client is reading it
    },
    kinds: ["error"],
  },
  { name: "closes before the headers", behaviour: (socket) => socket.destroy(), kinds: ["error"] },
  { name: "sends half a status line and closes", behaviour: (socket) => socket.end("HTTP/1.1 2"), kinds: ["error"] },
  { name: "sends garbage instead of HTTP", behaviour: (socket) => socket.end("SSH-2.0-OpenSSH_9.6\r\n"), kinds: ["error"] },
];

describe.each(operationNames)("%s", (operation) => {
  it.each(faults)("server $name: ends at timeoutMs (within a loaded machine's slack) as $kinds", async ({ behaviour, kinds }) => {
    fault = behaviour;
    clientHasHeaders = new Promise((resolve) => (onClientHeaders = resolve));
    const client = createEceClient({ baseUrl: server.url, accessToken: "fault-token", timeoutMs: TIMEOUT_MS, fetch: observedFetch });
    const started = performance.now();
    const outcome = await validCall[operation](client);
    const elapsed = performance.now() - started;
    expect(kinds).toContain(outcome.kind);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    if (outcome.kind === "timeout") expect(outcome.timeoutMs).toBe(TIMEOUT_MS);
  });
});

describe("a 50 MB error body", () => {
  it("is read no further than 64 KiB: the outcome comes at once and memory stays flat", async () => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    const total = 50 * 1024 * 1024;
    fault = (socket) => {
      server.write(socket, `HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\nContent-Length: ${total}\r\n\r\n`);
      let sent = 0;
      const pump = (): void => {
        while (sent < total && !socket.destroyed) {
          sent += chunk.length;
          if (!server.write(socket, chunk)) {
            socket.once("drain", pump);
            return;
          }
        }
      };
      pump();
    };
    const client = createEceClient({ baseUrl: server.url, accessToken: "fault-token", timeoutMs: 10_000 });
    const before = server.bytesWritten();
    global.gc?.();
    const memoryBefore = process.memoryUsage();
    const outcomes: Outcome[] = [];
    for (const operation of operationNames) outcomes.push(await validCall[operation](client));
    const memoryAfter = process.memoryUsage();
    for (const outcome of outcomes) expect(outcome).toMatchObject({ kind: "internalServerError", status: 500 });
    const written = server.bytesWritten() - before;
    // Six 50 MB bodies were on offer: the client stopped each after 64 KiB plus socket buffers.
    expect(written).toBeLessThan(6 * 8 * 1024 * 1024);
    const grown = memoryAfter.rss - memoryBefore.rss + (memoryAfter.arrayBuffers - memoryBefore.arrayBuffers);
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  });
});

describe("no server at all", () => {
  it("connection refused is error, at once", async () => {
    const gone = await startRawServer(() => undefined);
    const url = gone.url;
    await gone.close();
    // No retries: this is about the outcome (retries.test.ts retries a refused connection).
    const client = createEceClient({ baseUrl: url, accessToken: "t", timeoutMs: 5_000, maxRetries: 0 });
    for (const operation of operationNames) {
      const outcome = await validCall[operation](client);
      expect(outcome).toMatchObject({ kind: "error", message: expect.stringMatching(/ECONNREFUSED/) });
    }
  });

  it("DNS failure is error (.invalid never resolves, RFC 6761)", async () => {
    const client = createEceClient({ baseUrl: "http://ece-messaging-test.invalid", accessToken: "t", timeoutMs: 5_000, maxRetries: 0 });
    const outcome = await validCall.sendTextMessage(client);
    expect(outcome).toMatchObject({ kind: "error", message: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
  });

  it("the token request failing on the network is error for every waiting call", async () => {
    const gone = await startRawServer(() => undefined);
    const url = gone.url;
    await gone.close();
    const client = createEceClient({ baseUrl: url, credentials: { clientKey: "k", clientSecret: "s3cr3t-value" }, maxRetries: 0 });
    const outcomes = await Promise.all(operationNames.map((operation) => validCall[operation](client)));
    for (const outcome of outcomes) expect(outcome.kind).toBe("error");
  });
});
