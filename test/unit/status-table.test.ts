/**
 * The status-to-outcome table, driven by the spec's own error examples, with the expected kinds
 * written from the contract (shared/ece-api.md section 5), not copied from src/outcomes.ts.
 */
import { describe, expect, it } from "vitest";
import { failureOutcomeOf, unauthorizedReasonOf, readErrorBody } from "../../src/outcomes.js";
import type { OperationName } from "../../src/index.js";
import { expectedErrorKind, operationNames as operations } from "../support/expected-outcomes.js";
import { declaredResponses } from "../support/spec.js";

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
    const outcome = failureOutcomeOf(operation, status, body);
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

  it("is unknown for an empty or non-JSON 401", () => {
    expect(failureOutcomeOf("sendTextMessage", 401, undefined)).toMatchObject({ kind: "unauthorized", reason: "unknown" });
    expect(failureOutcomeOf("sendTextMessage", 401, "<html>401</html>")).toMatchObject({ reason: "unknown" });
  });
});

describe("beyond the examples", () => {
  it("a status without a row is invalidChoice", () => {
    for (const status of [402, 405, 418, 422, 429, 502, 503, 504, 302, 100]) {
      expect(failureOutcomeOf("acceptAttachment", status, { developerMessage: "x" })).toMatchObject({
        kind: "invalidChoice",
        status,
      });
    }
  });

  it("illegal unquoted character is read from a plain-text 400 too, and only on 400", () => {
    const text = "Illegal unquoted character ((CTRL-CHAR, code 0)): has to be escaped";
    expect(failureOutcomeOf("sendTextMessage", 400, text).kind).toBe("illegalUnquotedCharacter");
    expect(failureOutcomeOf("sendTextMessage", 500, { developerMessage: text }).kind).toBe("internalServerError");
  });

  it("a message saying the conversation does not exist wins over the status row (not over 401)", () => {
    const body = { developerMessage: "Conversation with id c-1 could not be found." };
    expect(failureOutcomeOf("sendGeolocation", 400, body).kind).toBe("conversationNotFound");
    expect(failureOutcomeOf("sendGeolocation", 410, body).kind).toBe("conversationNotFound");
    expect(failureOutcomeOf("sendGeolocation", 401, body).kind).toBe("unauthorized");
  });

  it("reads code and developerMessage only when they are what the contract says", () => {
    expect(readErrorBody({ code: 409, developerMessage: "m" })).toEqual({ code: "409", developerMessage: "m", text: "m" });
    expect(readErrorBody({ code: {}, developerMessage: 5 })).toEqual({ text: "" });
    expect(readErrorBody([{ code: "x" }])).toEqual({ text: "" });
    expect(readErrorBody(null)).toEqual({ text: "" });
  });
});
