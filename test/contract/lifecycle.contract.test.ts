/**
 * The conversation lifecycle against a Prism mock of the spec: the matrix (operation x declared
 * status x named example) read from the spec, each asked for with `Prefer`; every request the
 * SDK sends passes Prism's request validation, and a broken one is caught.
 */
import { describe, expect, inject, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { expectedLifecycleErrorKind, expectFailureOf, expectLifecycleSuccessOf } from "../support/expected-outcomes.js";
import { declaredResponses } from "../support/spec.js";

const prismUrl = inject("prismUrl");
const START = "/messaging/conversation/start";
const CONFIG = "/messaging/configuration";

interface Exchange {
  path: string;
  status: number;
  violations: string | null;
}

/**
 * A client whose requests to `path` carry `prefer` (and whose start body `mutate` may break);
 * every exchange is recorded.
 */
function recordingClient(options: { path?: string; prefer?: string; mutate?: (body: Record<string, unknown>) => void } = {}) {
  const exchanges: Exchange[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const headers = new Headers(request.headers);
    if (options.prefer && path === options.path) headers.set("Prefer", options.prefer);
    let body = request.body ? await request.clone().text() : undefined;
    if (options.mutate && body !== undefined && path === START) {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      options.mutate(parsed);
      body = JSON.stringify(parsed);
    }
    const response = await fetch(new Request(request.url, { method: request.method, headers, body, signal: request.signal }));
    exchanges.push({ path, status: response.status, violations: response.headers.get("sl-violations") });
    return response;
  };
  // No retries: the matrix maps each answer (a read's 5xx would be asked again).
  const client = createEceClient({ baseUrl: prismUrl, apiRoot: "/", accessToken: "contract-token", fetch: fetchImpl, maxRetries: 0 });
  return { client, exchanges };
}

const start = (client: ReturnType<typeof createEceClient>) =>
  client.startConversation({
    entryPointId: 1001,
    customer: { firstName: "Jane", email: "jane@example.com", social: { type: "instagram", id: "jane_ig" } },
    subject: "Order 4521",
    customAttributes: { activity_order: "4521" },
  });

const lifecycle = [
  { operation: "getEntryPointConfiguration" as const, path: CONFIG, method: "get" as const },
  { operation: "startConversation" as const, path: START, method: "post" as const },
];

describe.each(lifecycle)("$operation against Prism", ({ operation, path, method }) => {
  const responses = declaredResponses(path, method);
  const call = (client: ReturnType<typeof createEceClient>) =>
    operation === "startConversation" ? start(client) : client.getEntryPointConfiguration({ entryPointId: 1001 });

  it("declares a success and the documented error statuses", () => {
    expect(responses.some((r) => r.status >= 200 && r.status <= 299)).toBe(true);
    const errors = responses.map((r) => r.status).filter((s) => s >= 300);
    expect(errors).toEqual(expect.arrayContaining(operation === "startConversation" ? [400, 401, 403, 409, 500] : [401, 403, 404, 500]));
  });

  const successes = responses.filter((r) => r.status >= 200 && r.status <= 299).flatMap((r) => r.examples.map((example) => ({ status: r.status, example })));
  it.each(successes)("maps the spec's $status ($example.name) to success, with the example's fields", async ({ status, example }) => {
    const { client, exchanges } = recordingClient({ path, prefer: `code=${status}, example=${example.name}` });
    const outcome = await call(client);
    expect(exchanges.filter((e) => e.path === path).at(-1)).toEqual({ path, status, violations: null });
    expect(exchanges.every((e) => e.violations === null)).toBe(true);
    expectLifecycleSuccessOf(operation, outcome, status, example);
  });

  const errors = responses.filter((r) => r.status >= 300).flatMap((r) => r.examples.map((example) => ({ status: r.status, example })));
  it.each(errors)("maps the spec's $status ($example.name) to the contract's kind", async ({ status, example }) => {
    const prefer = example.name === "default" ? `code=${status}` : `code=${status}, example=${example.name}`;
    const { client, exchanges } = recordingClient({ path, prefer });
    const outcome = await call(client);
    expect(exchanges.every((e) => e.violations === null)).toBe(true);
    expectFailureOf(expectedLifecycleErrorKind(operation, status), outcome, status, example);
    // A 409 on a start earns one fresh configuration and one repeat (Prism answers 409 again).
    const starts = exchanges.filter((e) => e.path === START).length;
    if (operation === "startConversation") expect(starts).toBe(status === 409 ? 2 : 1);
  });
});

describe("startConversation's requests", () => {
  it("pass Prism's validation, and the check catches a broken one", async () => {
    const valid = recordingClient();
    expect((await start(valid.client)).kind).toBe("conversationStarted");
    expect(valid.exchanges.map((e) => [e.path, e.violations])).toEqual([
      [CONFIG, null],
      [START, null],
    ]);

    const broken = recordingClient({
      mutate: (body) => {
        (body.entryPointConfiguration as { entryPoint: { id: unknown } }).entryPoint.id = 1001; // a number, not a string
      },
    });
    const outcome = await start(broken.client);
    const startExchange = broken.exchanges.find((e) => e.path === START)!;
    expect(startExchange.violations).toMatch(/entryPoint/);
    expect(startExchange.status).toBe(400);
    expect(outcome.kind).toBe("badRequest");
  });
});
