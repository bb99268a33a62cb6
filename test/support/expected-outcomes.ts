/**
 * The test oracle: which outcome kind the contract (shared/ece-api.md section 5) expects.
 * Written by hand from the contract's tables, deliberately not imported from src/outcomes.ts,
 * so that a wrong row in the implementation fails the tests instead of being copied into them.
 */
import { expect } from "vitest";
import type { MessageOperationName as OperationName } from "../../src/index.js";

export const operationNames: OperationName[] = [
  "sendTextMessage",
  "sendHtmlMessage",
  "uploadAttachmentFromUrl",
  "acceptAttachment",
  "rejectAttachment",
  "sendGeolocation",
];

/** The success kind of each operation. */
export const expectedSuccessKind: Record<OperationName, string> = {
  sendTextMessage: "sendMessageSuccess",
  sendHtmlMessage: "sendMessageSuccess",
  uploadAttachmentFromUrl: "sendMessageSuccess",
  acceptAttachment: "attachmentAccepted",
  rejectAttachment: "attachmentRejected",
  sendGeolocation: "sendGeolocationSuccess",
};

/** The kind of a refused (400) message: the node's own failure where it has one. */
export const expectedRefusedKind: Record<OperationName, string> = {
  sendTextMessage: "invalidChoice",
  sendHtmlMessage: "invalidChoice",
  uploadAttachmentFromUrl: "invalidChoice",
  acceptAttachment: "attachmentAcceptFailed",
  rejectAttachment: "attachmentRejectFailed",
  sendGeolocation: "sendGeolocationFailure",
};

/**
 * The kind for an error status. `illegalUnquoted` says the 400's message is ECE's "Illegal
 * unquoted character" one. A status without a row in the contract throws, so a status newly
 * declared in the spec fails the tests until the contract (and this oracle) says what it means.
 */
export function expectedErrorKind(operation: OperationName, status: number, illegalUnquoted = false): string {
  const byStatus: Record<number, string> = {
    400: illegalUnquoted ? "illegalUnquotedCharacter" : expectedRefusedKind[operation],
    401: "unauthorized",
    403: "forbidden",
    404: "conversationNotFound",
    409: "conflict",
    500: "internalServerError",
  };
  const kind = byStatus[status];
  if (!kind) throw new Error(`The spec declares ${status}, which the contract's table has no row for: add one.`);
  return kind;
}

/** Failure kinds every operation can produce (section 5). */
export const commonFailureKinds = [
  "invalidData",
  "conversationNotFound",
  "unauthorized",
  "forbidden",
  "conflict",
  "internalServerError",
  "illegalUnquotedCharacter",
  "invalidChoice",
  "authorizationFail",
  "timeout",
  "error",
];

/** Every kind an operation may resolve to: its success, its refusal, and the common failures. */
export function documentedKinds(operation: OperationName): Set<string> {
  return new Set([expectedSuccessKind[operation], expectedRefusedKind[operation], ...commonFailureKinds]);
}

/**
 * The lifecycle's oracle (ece-api.md sections 3 and 7 and the Webex Connect node names): the kind
 * for each error status of the configuration and the start. No text rule applies to them.
 */
export function expectedLifecycleErrorKind(operation: "getEntryPointConfiguration" | "startConversation", status: number): string {
  const common: Record<number, string> = { 401: "unauthorized", 403: "forbidden", 404: "entryPointNotFound", 500: "internalServerError" };
  const byStatus: Record<number, string> =
    operation === "startConversation" ? { ...common, 400: "badRequest", 409: "conflict" } : common;
  const kind = byStatus[status];
  if (!kind) throw new Error(`The spec declares ${status} for ${operation}, which the contract has no row for: add one.`);
  return kind;
}

/** A spec example: its name and the body it stands for. */
interface Example {
  name: string;
  value: unknown;
}

/**
 * Asserts the success a message operation makes of the spec's `status` answer with `example`'s
 * body (none for a bodiless answer): its kind, and the example's fields it carries.
 */
export function expectMessageSuccessOf(operation: OperationName, outcome: unknown, status: number, example: Example | undefined): void {
  expect(outcome).toMatchObject({ kind: expectedSuccessKind[operation], status });
  const payload = example?.value as { id?: string; attachments?: { attachment: Record<string, unknown>[] } } | undefined;
  if (payload?.id) expect(outcome).toHaveProperty("messageId", payload.id);
  else expect(outcome).not.toHaveProperty("messageId");
  const item = payload?.attachments?.attachment[0];
  if (operation === "uploadAttachmentFromUrl" && item) expect(outcome).toHaveProperty("attachmentId", item.id);
  if (operation === "acceptAttachment" && item) {
    expect(outcome).toHaveProperty("attachment", {
      id: item.id,
      fileName: item.fileName,
      contentType: item.contentType,
      size: Number(item.size),
      contentUrl: item.contentUrl,
    });
  }
  if (operation === "sendGeolocation" && payload) expect(outcome).toHaveProperty("response", payload);
}

/** Asserts the success a lifecycle operation makes of the spec's `status` answer with `example`. */
export function expectLifecycleSuccessOf(
  operation: "getEntryPointConfiguration" | "startConversation",
  outcome: unknown,
  status: number,
  example: Example,
): void {
  const value = example.value as Record<string, unknown>;
  if (operation === "startConversation") {
    expect(outcome).toMatchObject({ kind: "conversationStarted", status, conversationId: value.id });
  } else {
    const [first] = value.entryPointConfiguration as { lastModified: { date: string | number } }[];
    expect(outcome).toMatchObject({ kind: "entryPointConfigurationFound", status, entryPointId: 1001, lastModified: first!.lastModified.date });
  }
}

/**
 * Asserts the failure `kind` made of the spec's error `status` answer with `example`'s body: its
 * code and developerMessage carried over, and for a 401 the reason the example is named after.
 */
export function expectFailureOf(kind: string, outcome: unknown, status: number, example: Example): void {
  const body = example.value as { code: string; developerMessage: string };
  expect(outcome).toMatchObject({ kind, status, code: body.code, developerMessage: body.developerMessage });
  if (status === 401) expect(outcome).toHaveProperty("reason", example.name);
}
