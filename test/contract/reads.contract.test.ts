/**
 * The reads (issue 21 items 1-2) against a Prism mock of the spec: the matrix (operation x
 * declared status x named example, XML and JSON) read from the spec, each asked for with
 * `Prefer`. Every request passes Prism's validation, and the chat web service's carry no
 * credentials. Prism serves every path under its one URL: the client's chatRoot is that URL.
 */
import { describe, expect, inject, it } from "vitest";
import { createEceClient, type EceClient, type Outcome } from "../../src/index.js";
import { expectFailureOf } from "../support/expected-outcomes.js";
import { declaredResponses } from "../support/spec.js";

const prismUrl = inject("prismUrl");
const CONVERSATION = "/messaging/conversation/{conversationId}";

interface Exchange {
  status: number;
  violations: string | null;
  authorization: string | null;
  contentType: string | null;
}

/**
 * A client whose requests carry `prefer`, and `accept` instead of the SDK's own when given (to
 * reach the spec's other media type). Prism answers an error status only in a media type the
 * request accepts, and the spec's error bodies are JSON: so a request for one also accepts JSON.
 */
function recordingClient(prefer: string, accept?: string) {
  const exchanges: Exchange[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set("Prefer", prefer);
    if (accept) headers.set("Accept", accept);
    else if (!prefer.startsWith("code=2")) headers.set("Accept", `${headers.get("Accept")}, application/json`);
    const response = await fetch(new Request(request.url, { method: request.method, headers, signal: request.signal }));
    exchanges.push({
      status: response.status,
      violations: response.headers.get("sl-violations"),
      authorization: request.headers.get("authorization"),
      contentType: response.headers.get("content-type"),
    });
    return response;
  };
  // The contract's mapping, one exchange per call: retries are test/wire/retries.test.ts's.
  const client = createEceClient({ baseUrl: prismUrl, apiRoot: "/", chatRoot: prismUrl, accessToken: "contract-token", fetch: fetchImpl, maxRetries: 0 });
  return { client, exchanges };
}

/** The hand-written oracle: the success each example stands for (XML text or JSON value). */
const reads = [
  {
    operation: "getAgentAvailability" as const,
    path: "/agentAvailability/{entryPointId}",
    call: (c: EceClient) => c.getAgentAvailability({ entryPointId: 1001 }),
    success: (example: unknown) => {
      const available = typeof example === "string" ? /available="true"/.test(example) : String((example as { available: unknown }).available) === "true";
      return { kind: available ? "agentAvailable" : "noAgentAvailable" };
    },
  },
  {
    operation: "getAgentCapacity" as const,
    path: "/capacity/{entryPointId}",
    call: (c: EceClient) => c.getAgentCapacity({ entryPointId: 1001 }),
    success: (example: unknown) => {
      const slots = typeof example === "string" ? Number(/<ns2:count>(\d+)</.exec(example)![1]) : (example as { count: number }).count;
      return { kind: slots > 0 ? "slotAvailable" : "maximumLoad", availableSlots: slots };
    },
  },
  {
    operation: "checkEligibility" as const,
    path: "/checkEligibility/{entryPointId}",
    call: (c: EceClient) => c.checkEligibility({ entryPointId: 1001 }),
    success: (example: unknown) => {
      const type = typeof example === "string" ? Number(/responseType="(\d)"/.exec(example)![1]) : (example as { responseType: number }).responseType;
      return { kind: ["eligible", "noAgentAvailable", "queueFull"][type], responseType: type };
    },
  },
  {
    operation: "getConversation" as const,
    path: CONVERSATION,
    call: (c: EceClient) => c.getConversation({ conversationId: "6f1c2c0e-8a52-4b7e-9d1a-2f2d6c3b9e11" }),
    success: (example: unknown) => {
      const id = typeof example === "string" ? /<conversation [^>]*id="([^"]+)"/.exec(example)![1] : (example as { id: string }).id;
      return { kind: "conversationFound", conversationId: id, activityId: "1071", raw: example };
    },
  },
];

/** The contract's kind for each error status of the reads (ece-api.md sections 8, 9). */
function expectedErrorKind(operation: (typeof reads)[number]["operation"], status: number): string {
  const byStatus: Record<number, string> =
    operation === "getConversation"
      ? { 400: "invalidChoice", 401: "unauthorized", 403: "forbidden", 404: "conversationNotFound", 500: "internalServerError" }
      : { 404: "entryPointNotFound", 500: "internalServerError" };
  const kind = byStatus[status];
  if (!kind) throw new Error(`The spec declares ${status} for ${operation}, which the contract has no row for: add one.`);
  return kind;
}

describe.each(reads)("$operation against Prism", ({ operation, path, call, success }) => {
  const isChat = operation !== "getConversation";
  const own = isChat ? "application/xml" : "application/json";
  const other = isChat ? "application/json" : "application/xml";
  const successes = [own, other].flatMap((mediaType) =>
    declaredResponses(path, "get", mediaType)
      .filter((r) => r.status >= 200 && r.status <= 299)
      .flatMap((r) => r.examples.map((example) => ({ mediaType, status: r.status, example }))),
  );

  it("declares XML and JSON successes", () => {
    expect(new Set(successes.map((s) => s.mediaType))).toEqual(new Set([own, other]));
  });

  it.each(successes)("maps the spec's $status $mediaType ($example.name) to its success", async ({ mediaType, status, example }) => {
    const prefer = example.name === "default" ? `code=${status}` : `code=${status}, example=${example.name}`;
    const { client, exchanges } = recordingClient(prefer, mediaType === own ? undefined : mediaType);
    const outcome: Outcome = await call(client);
    expect(exchanges).toEqual([{ status, violations: null, authorization: isChat ? null : "Bearer contract-token", contentType: expect.stringContaining(mediaType) }]);
    expect(outcome).toEqual({ ...success(example.value), status });
  });

  const errors = declaredResponses(path, "get")
    .filter((r) => r.status >= 300)
    .flatMap((r) => r.examples.map((example) => ({ status: r.status, example })));
  it.each(errors)("maps the spec's $status ($example.name) to the contract's kind, undelivered", async ({ status, example }) => {
    const prefer = example.name === "default" ? `code=${status}` : `code=${status}, example=${example.name}`;
    const { client, exchanges } = recordingClient(prefer);
    const outcome = await call(client);
    expect(exchanges.map((e) => [e.status, e.violations])).toEqual([[status, null]]);
    expectFailureOf(expectedErrorKind(operation, status), outcome, status, example);
    expect(outcome).toHaveProperty("delivered", false);
  });
});
