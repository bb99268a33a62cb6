/**
 * The test oracle: which outcome kind the contract (shared/ece-api.md section 5) expects.
 * Written by hand from the contract's tables, deliberately not imported from src/outcomes.ts,
 * so that a wrong row in the implementation fails the tests instead of being copied into them.
 */
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
