/**
 * The status-to-outcome table, driven by the spec's own error examples, with the expected kinds
 * written from the contract (shared/ece-api.md section 5), not copied from src/outcomes.ts.
 */
import { describe, expect, it } from "vitest";
import type { MessageOperationName as OperationName } from "../../src/index.js";
import { failureOutcomeOf, readErrorBody, retryAfterMsOf, unauthorizedReasonOf } from "../../src/outcomes/status-table.js";
import { expectedErrorKind, operationNames as operations } from "../support/expected-outcomes.js";
import { declaredResponses } from "../support/spec.js";

/** The table's answer for a send by `operation` answered `status` with `body`. */
function outcomeOf(operation: OperationName, status: number, body: unknown, headers: Record<string, string> = {}) {
  return failureOutcomeOf("sendMessage", { status, body, headers: new Headers(headers) }, operation);
}

/** The contract's expectation for one spec example: its name tells the 400 and 401 cases apart. */
function expectedKind(operation: OperationName, status: number, exampleName: string, message: string): string {
  if (status !== 401 && /conversation.*does not exist/i.test(message)) return "conversationNotFound";
  return expectedErrorKind(operation, status, exampleName === "illegalUnquotedCharacter");
}

const errorExamples = declaredResponses("/messaging/sendmessage")
  .filter(({ status }) => status >= 300)
  .flatMap(({ status, examples }) => examples.map((example) => ({ status, ...example })));

describe("every error example of the spec", () => {
  it("is at least one per declared error status", () => {
    const statuses = declaredResponses("/messaging/sendmessage").map((r) => r.status).filter((s) => s >= 300);
    expect(new Set(errorExamples.map((e) => e.status))).toEqual(new Set(statuses));
  });

  const matrix = operations.flatMap((operation) => errorExamples.map((example) => ({ operation, ...example })));
  it.each(matrix)("$operation: $status/$name maps to the contract's kind", ({ operation, status, name, value }) => {
    const body = value as { code: string; developerMessage: string };
    const outcome = outcomeOf(operation, status, body);
    expect(outcome.kind).toBe(expectedKind(operation, status, name, body.developerMessage));
    expect(outcome).toMatchObject({ status, code: body.code, developerMessage: body.developerMessage });
    if (outcome.kind === "unauthorized") expect(outcome.reason).toBe(name); // 401 examples are named by reason
  });
});

describe("401 reasons", () => {
  const examples = errorExamples.filter((e) => e.status === 401);

  it.each(examples)("reads $name from the message when the code is unknown", ({ name, value }) => {
    const { developerMessage } = value as { developerMessage: string };
    expect(unauthorizedReasonOf(readErrorBody({ code: "401-999", developerMessage }))).toBe(name);
    expect(unauthorizedReasonOf(readErrorBody({ developerMessage }))).toBe(name);
  });

  it.each([
    ["Authentication header not present", "missingHeader"],
    ["Invalid authorization header", "malformedHeader"],
    ["Session has expired", "sessionNotFound"],
    ["The user session is not a client application session", "notClientApplicationSession"],
    ["Nope", "unknown"],
  ])("%s -> %s", (developerMessage, reason) => {
    expect(unauthorizedReasonOf(readErrorBody({ developerMessage }))).toBe(reason);
  });

  it("is unknown for a code named like an object's property (own codes only)", () => {
    for (const code of ["constructor", "toString", "__proto__"]) {
      expect(outcomeOf("sendTextMessage", 401, { code, developerMessage: "Nope" })).toMatchObject({ kind: "unauthorized", reason: "unknown" });
    }
  });

  it("is unknown for an empty or non-JSON 401", () => {
    expect(outcomeOf("sendTextMessage", 401, undefined)).toMatchObject({ kind: "unauthorized", reason: "unknown" });
    expect(outcomeOf("sendTextMessage", 401, "<html>401</html>")).toMatchObject({ reason: "unknown" });
  });
});

describe("beyond the examples", () => {
  it("a status without a row is invalidChoice", () => {
    for (const status of [402, 405, 418, 422, 429, 502, 503, 504, 302, 100]) {
      expect(outcomeOf("acceptAttachment", status, { developerMessage: "x" })).toMatchObject({
        kind: "invalidChoice",
        status,
      });
    }
  });

  it("illegal unquoted character is read from a plain-text 400 too, and only on 400", () => {
    const text = "Illegal unquoted character ((CTRL-CHAR, code 0)): has to be escaped";
    expect(outcomeOf("sendTextMessage", 400, text).kind).toBe("illegalUnquotedCharacter");
    expect(outcomeOf("sendTextMessage", 500, { developerMessage: text }).kind).toBe("internalServerError");
  });

  it("a message saying the conversation does not exist wins over the status row (not over 401)", () => {
    const body = { developerMessage: "Conversation with id c-1 could not be found." };
    expect(outcomeOf("sendGeolocation", 400, body).kind).toBe("conversationNotFound");
    expect(outcomeOf("sendGeolocation", 410, body).kind).toBe("conversationNotFound");
    expect(outcomeOf("sendGeolocation", 401, body).kind).toBe("unauthorized");
  });

  it("reads code and developerMessage only when they are what the contract says", () => {
    expect(readErrorBody({ code: 409, developerMessage: "m" })).toEqual({ code: "409", developerMessage: "m", text: "m" });
    expect(readErrorBody({ code: {}, developerMessage: 5 })).toEqual({ text: "" });
    expect(readErrorBody([{ code: "x" }])).toEqual({ text: "" });
    expect(readErrorBody(null)).toEqual({ text: "" });
  });
});

describe("delivered", () => {
  it("is false for 3xx and 4xx answers (ECE did not take the message) and unknown for 5xx", () => {
    for (const status of [301, 400, 401, 403, 404, 409, 418, 429]) expect(outcomeOf("sendTextMessage", status, {}).delivered).toBe(false);
    for (const status of [500, 502, 503, 504]) expect(outcomeOf("sendTextMessage", status, {}).delivered).toBe("unknown");
  });
});

describe("retryAfterMs", () => {
  it("comes with a 429 or 503 that says how long to wait, in seconds or as an HTTP date", () => {
    expect(outcomeOf("sendTextMessage", 429, {}, { "Retry-After": "120" })).toMatchObject({ kind: "invalidChoice", retryAfterMs: 120_000 });
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = outcomeOf("sendTextMessage", 503, {}, { "Retry-After": inTenSeconds });
    expect(fromDate).toMatchObject({ kind: "invalidChoice", delivered: "unknown" });
    const ms = (fromDate as { retryAfterMs: number }).retryAfterMs;
    expect(ms).toBeGreaterThan(8_000); // HTTP dates have whole seconds
    expect(ms).toBeLessThanOrEqual(10_000);
    expect(outcomeOf("sendTextMessage", 429, {})).not.toHaveProperty("retryAfterMs");
    expect(outcomeOf("sendTextMessage", 500, {}, { "Retry-After": "5" })).not.toHaveProperty("retryAfterMs");
  });

  it("parses delay-seconds and HTTP dates, never negative, and nothing else", () => {
    const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(retryAfterMsOf("0", now)).toBe(0);
    expect(retryAfterMsOf(" 3 ", now)).toBe(3_000);
    expect(retryAfterMsOf("Wed, 21 Oct 2026 07:28:30 GMT", now)).toBe(30_000);
    expect(retryAfterMsOf("Wed, 21 Oct 2026 07:27:00 GMT", now)).toBe(0);
    expect(retryAfterMsOf("soon", now)).toBeUndefined();
    expect(retryAfterMsOf("-5", now)).toBeUndefined();
    expect(retryAfterMsOf(null, now)).toBeUndefined();
  });
});
