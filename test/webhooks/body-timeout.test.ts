/**
 * Finding 3 of the receiver's hostile test: a client trickling its body held a handler for as
 * long as the server's requestTimeout (300 s by default). Now `bodyTimeoutMs` (default 30 s)
 * bounds the body's arrival: 408, onMessages not called, the connection closed.
 *
 * Timing is the behaviour here: the bounds are the timeout itself and a margin that holds on a
 * loaded 2-core machine.
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebhookHandler } from "../../src/webhooks.js";
import { everyTypeItems, jsonBody } from "../support/webhook-fixtures.js";
import { basicAuthorization, deliveries, recordingHandler, serveWebhook } from "../support/webhook-server.js";

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  vi.useRealTimers();
});

/** The answer's status line and headers, as text, once they arrive; and when the server closes. */
function rawClient(port: number) {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  let received = "";
  const head = new Promise<string>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n")) resolve(received);
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed before an answer; received: ${JSON.stringify(received)}`)));
  });
  head.catch(() => undefined);
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return { socket, head, closed };
}

/** Rejects after `ms` with `message`: a bound on how long the test waits for an answer, not a wait. */
function noLaterThan<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

describe("bodyTimeoutMs on a real node:http server", () => {
  it("a client trickling its body gets 408 after bodyTimeoutMs; onMessages is not called; the connection is closed", async () => {
    const bodyTimeoutMs = 500;
    const webhook = await serveWebhook({ bodyTimeoutMs });
    const { socket, head, closed } = rawClient(webhook.port);
    const body = jsonBody(everyTypeItems);
    const started = performance.now();
    socket.write(
      `POST /ece HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basicAuthorization}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    // One more byte every 100 ms: never the whole body in time.
    let sent = 10;
    const trickle = setInterval(() => {
      if (!socket.destroyed && sent < body.length - 1) socket.write(body[sent++]!);
    }, 100);
    try {
      const answer = await noLaterThan(head, 15_000, "no answer within 15 s: the trickling client holds the handler");
      const elapsed = performance.now() - started;
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer.toLowerCase()).toContain("connection: close");
      expect(elapsed).toBeGreaterThanOrEqual(bodyTimeoutMs - 20); // timers may fire a little early
      expect(elapsed).toBeLessThan(bodyTimeoutMs + 10_000);
      await closed; // the server let go of the connection
      expect(webhook.delivered.list).toHaveLength(0);
    } finally {
      clearInterval(trickle);
    }
  });

  it("a body that arrives in time is delivered", async () => {
    const webhook = await serveWebhook({ bodyTimeoutMs: 5_000 });
    const response = await fetch(webhook.url, {
      method: "POST",
      headers: { Authorization: basicAuthorization, "Content-Type": "application/json" },
      body: jsonBody(everyTypeItems),
    });
    expect(response.status).toBe(200);
    await webhook.delivered.arrived();
  });
});

describe("bodyTimeoutMs with Fetch API requests", () => {
  /** A request whose body sends its first bytes and then nothing; `cancelled` resolves when the reader gives up. */
  function stalledRequest() {
    let cancel: () => void = () => undefined;
    const cancelled = new Promise<void>((resolve) => (cancel = resolve));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"message":['));
      },
      cancel() {
        cancel();
      },
    });
    const request = new Request("https://receiver.example/ece", {
      method: "POST",
      headers: { Authorization: basicAuthorization, "Content-Type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    return { request, cancelled };
  }

  it("408 with a JSON body naming the reason; the body stream is cancelled", async () => {
    const { handle, delivered } = recordingHandler({ bodyTimeoutMs: 50 });
    const { request, cancelled } = stalledRequest();
    const response = await handle(request);
    expect(response.status).toBe(408);
    expect(await response.json()).toMatchObject({ error: "bodyTimeout" });
    await cancelled;
    expect(delivered.list).toHaveLength(0);
  });

  it("the default is 30 s", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { handle } = recordingHandler();
    const { request } = stalledRequest();
    let status: number | undefined;
    const answered = handle(request).then((response) => (status = response.status));
    await vi.advanceTimersByTimeAsync(29_900);
    expect(status).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    await answered;
    expect(status).toBe(408);
  });

  it("is checked", () => {
    const { onMessages } = deliveries();
    for (const bodyTimeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, "5" as unknown as number]) {
      expect(() => createWebhookHandler({ authorization: { type: "none" }, onMessages, bodyTimeoutMs })).toThrow(
        /bodyTimeoutMs must be a positive number of milliseconds/,
      );
    }
  });
});
