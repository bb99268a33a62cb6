/**
 * Type-level tests: each operation's outcome is exactly the union of the kinds it can produce,
 * a switch on `kind` is checked for exhaustiveness, and every status the spec declares for the
 * send operation has a row in the status table (adding one to the spec fails this check).
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  createEceClient,
  isSuccess,
  type Attachment,
  type CheckEligibilityOutcome,
  type GetAgentAvailabilityOutcome,
  type GetAgentCapacityOutcome,
  type GetConversationOutcome,
  type Delivered,
  type FailureOutcome,
  type GetEntryPointConfigurationOutcome,
  type StartConversationOutcome,
  type SuccessOutcome,
  type AcceptAttachmentOutcome,
  type EceClient,
  type Outcome,
  type OutcomeKind,
  type RejectAttachmentOutcome,
  type SendGeolocationOutcome,
  type SendHtmlMessageOutcome,
  type SendTextMessageOutcome,
  type UnauthorizedReason,
  type UploadAttachmentFromUrlOutcome,
} from "../../src/index.js";
import type { WebhookAttachmentMessage } from "../../src/webhooks.js";

function assertNever(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}

type Common =
  | "invalidData"
  | "conversationNotFound"
  | "unauthorized"
  | "forbidden"
  | "conflict"
  | "internalServerError"
  | "illegalUnquotedCharacter"
  | "invalidChoice"
  | "authorizationFail"
  | "timeout"
  | "error";

describe("each operation's outcome union", () => {
  it("has exactly the kinds the operation can produce", () => {
    expectTypeOf<SendTextMessageOutcome["kind"]>().toEqualTypeOf<"sendMessageSuccess" | Common>();
    expectTypeOf<SendHtmlMessageOutcome["kind"]>().toEqualTypeOf<"sendMessageSuccess" | Common>();
    expectTypeOf<UploadAttachmentFromUrlOutcome["kind"]>().toEqualTypeOf<"sendMessageSuccess" | Common>();
    expectTypeOf<AcceptAttachmentOutcome["kind"]>().toEqualTypeOf<"attachmentAccepted" | "attachmentAcceptFailed" | Common>();
    expectTypeOf<RejectAttachmentOutcome["kind"]>().toEqualTypeOf<"attachmentRejected" | "attachmentRejectFailed" | Common>();
    expectTypeOf<SendGeolocationOutcome["kind"]>().toEqualTypeOf<"sendGeolocationSuccess" | "sendGeolocationFailure" | Common>();
  });

  it("is what the client's methods return", () => {
    expectTypeOf<EceClient["sendTextMessage"]>().returns.resolves.toEqualTypeOf<SendTextMessageOutcome>();
    expectTypeOf<EceClient["acceptAttachment"]>().returns.resolves.toEqualTypeOf<AcceptAttachmentOutcome>();
    expectTypeOf<EceClient["sendGeolocation"]>().returns.resolves.toEqualTypeOf<SendGeolocationOutcome>();
    expectTypeOf<OutcomeKind>().toEqualTypeOf<
      | "entryPointConfigurationFound"
      | "conversationStarted"
      | "entryPointNotFound"
      | "badRequest"
      | "sendMessageSuccess"
      | "attachmentAccepted"
      | "attachmentRejected"
      | "sendGeolocationSuccess"
      | "attachmentAcceptFailed"
      | "attachmentRejectFailed"
      | "sendGeolocationFailure"
      | "conversationFound"
      | "agentAvailable"
      | "noAgentAvailable"
      | "slotAvailable"
      | "maximumLoad"
      | "eligible"
      | "queueFull"
      | Common
    >();
  });

  it("the reads have exactly their kinds, and every read failure is undelivered", () => {
    type Chat = "entryPointNotFound" | "invalidData" | "internalServerError" | "invalidChoice" | "timeout" | "error";
    expectTypeOf<GetAgentAvailabilityOutcome["kind"]>().toEqualTypeOf<"agentAvailable" | "noAgentAvailable" | Chat>();
    expectTypeOf<GetAgentCapacityOutcome["kind"]>().toEqualTypeOf<"slotAvailable" | "maximumLoad" | Chat>();
    expectTypeOf<CheckEligibilityOutcome["kind"]>().toEqualTypeOf<"eligible" | "noAgentAvailable" | "queueFull" | Chat>();
    expectTypeOf<GetConversationOutcome["kind"]>().toEqualTypeOf<
      | "conversationFound"
      | "conversationNotFound"
      | "invalidData"
      | "unauthorized"
      | "forbidden"
      | "internalServerError"
      | "invalidChoice"
      | "authorizationFail"
      | "timeout"
      | "error"
    >();
    for (const failure of [{} as Exclude<GetConversationOutcome, { kind: "conversationFound" }>, {} as Extract<CheckEligibilityOutcome, { delivered: unknown }>]) {
      expectTypeOf(failure.delivered).toEqualTypeOf<false>();
    }
    const eligibility = {} as CheckEligibilityOutcome;
    if (eligibility.kind === "queueFull") expectTypeOf(eligibility.responseType).toEqualTypeOf<2>();
    const capacity = {} as GetAgentCapacityOutcome;
    if (capacity.kind === "maximumLoad") expectTypeOf(capacity.availableSlots).toEqualTypeOf<0>();
    expectTypeOf<EceClient["getConversation"]>().returns.resolves.toEqualTypeOf<GetConversationOutcome>();
    expectTypeOf<EceClient["checkEligibility"]>().returns.resolves.toEqualTypeOf<CheckEligibilityOutcome>();
  });

  it("narrows by kind to each member's fields", () => {
    const outcome = {} as UploadAttachmentFromUrlOutcome;
    if (outcome.kind === "sendMessageSuccess") expectTypeOf(outcome.attachmentId).toEqualTypeOf<string | undefined>();
    const accepted = {} as AcceptAttachmentOutcome;
    if (accepted.kind === "attachmentAccepted") {
      expectTypeOf(accepted.attachment.id).toEqualTypeOf<string>();
      expectTypeOf(accepted.attachment.size).toEqualTypeOf<number | undefined>();
    }
    const text = {} as SendTextMessageOutcome;
    if (text.kind === "unauthorized") expectTypeOf(text.reason).toEqualTypeOf<UnauthorizedReason>();
    if (text.kind === "invalidData") expectTypeOf(text.issues).toEqualTypeOf<{ field: string; problem: string }[]>();
    if (text.kind === "error") expectTypeOf(text.aborted).toEqualTypeOf<true | undefined>();
    if (text.kind === "conflict") expectTypeOf(text.status).toEqualTypeOf<number>();
  });

  it("isSuccess narrows to the success member", () => {
    const outcome = {} as AcceptAttachmentOutcome;
    if (isSuccess(outcome)) expectTypeOf(outcome.kind).toEqualTypeOf<"attachmentAccepted">();
    else expectTypeOf(outcome.kind).toEqualTypeOf<"attachmentAcceptFailed" | Common>();
  });
});

describe("one kind", () => {
  it("is Extract<Outcome, { kind }> (the root entry exports no type per kind)", () => {
    type Started = Extract<Outcome, { kind: "conversationStarted" }>;
    expectTypeOf<Started["conversationId"]>().toEqualTypeOf<string>();
    type Refused = Extract<SendTextMessageOutcome, { kind: "unauthorized" }>;
    expectTypeOf<Refused["reason"]>().toEqualTypeOf<UnauthorizedReason>();
    expectTypeOf<Refused["requestId"]>().toEqualTypeOf<string | undefined>();
  });
});

describe("exhaustiveness", () => {
  it("a switch that handles every kind compiles", () => {
    function describeOutcome(outcome: AcceptAttachmentOutcome): string {
      switch (outcome.kind) {
        case "attachmentAccepted":
          return outcome.attachment.contentUrl ?? "";
        case "attachmentAcceptFailed":
        case "invalidData":
        case "conversationNotFound":
        case "unauthorized":
        case "forbidden":
        case "conflict":
        case "internalServerError":
        case "illegalUnquotedCharacter":
        case "invalidChoice":
        case "authorizationFail":
        case "timeout":
        case "error":
          return outcome.message;
        default:
          return assertNever(outcome);
      }
    }
    expectTypeOf(describeOutcome).returns.toEqualTypeOf<string>();
  });

  it("a switch that misses a kind does not compile", () => {
    function missesTimeout(outcome: SendTextMessageOutcome): string {
      switch (outcome.kind) {
        case "sendMessageSuccess":
          return "sent";
        case "invalidData":
        case "conversationNotFound":
        case "unauthorized":
        case "forbidden":
        case "conflict":
        case "internalServerError":
        case "illegalUnquotedCharacter":
        case "invalidChoice":
        case "authorizationFail":
        case "error":
          return outcome.message;
        default:
          // @ts-expect-error -- "timeout" is not handled, so `outcome` is not `never` here
          return assertNever(outcome);
      }
    }
    expectTypeOf(missesTimeout).parameter(0).toEqualTypeOf<SendTextMessageOutcome>();
  });

  it("an operation-specific kind is not in another operation's union", () => {
    function onlyText(outcome: SendTextMessageOutcome): boolean {
      // @ts-expect-error -- sendTextMessage never produces attachmentAcceptFailed
      return outcome.kind === "attachmentAcceptFailed";
    }
    expectTypeOf(onlyText).returns.toBeBoolean();
  });
});

describe("the conversation lifecycle", () => {
  type Base = "invalidData" | "unauthorized" | "forbidden" | "internalServerError" | "invalidChoice" | "authorizationFail" | "timeout" | "error";

  it("each operation has exactly its node's kinds", () => {
    expectTypeOf<GetEntryPointConfigurationOutcome["kind"]>().toEqualTypeOf<"entryPointConfigurationFound" | "entryPointNotFound" | Base>();
    expectTypeOf<StartConversationOutcome["kind"]>().toEqualTypeOf<
      "conversationStarted" | "badRequest" | "conflict" | "entryPointNotFound" | Base
    >();
    expectTypeOf<EceClient["startConversation"]>().returns.resolves.toEqualTypeOf<StartConversationOutcome>();
    expectTypeOf<EceClient["getEntryPointConfiguration"]>().returns.resolves.toEqualTypeOf<GetEntryPointConfigurationOutcome>();
  });

  it("a start never yields a message's kinds, and narrows to its fields", () => {
    const started = {} as StartConversationOutcome;
    // @ts-expect-error -- a start is never conversationNotFound (the text rule is the sends')
    void (started.kind === "conversationNotFound");
    if (started.kind === "conversationStarted") {
      expectTypeOf(started.conversationId).toEqualTypeOf<string>();
      expectTypeOf(started.activityId).toEqualTypeOf<string | undefined>();
    }
    const found = {} as GetEntryPointConfigurationOutcome;
    if (found.kind === "entryPointConfigurationFound") expectTypeOf(found.lastModified).toEqualTypeOf<string | number>();
  });

  it("a switch over a start's kinds is checked for exhaustiveness", () => {
    function handle(outcome: StartConversationOutcome): string {
      switch (outcome.kind) {
        case "conversationStarted":
          return outcome.conversationId;
        case "badRequest":
        case "conflict":
        case "entryPointNotFound":
        case "invalidData":
        case "unauthorized":
        case "forbidden":
        case "internalServerError":
        case "invalidChoice":
        case "authorizationFail":
        case "timeout":
          return outcome.message;
        default:
          // @ts-expect-error -- "error" is not handled
          return assertNever(outcome);
      }
    }
    expectTypeOf(handle).returns.toBeString();
  });
});

describe("delivery certainty", () => {
  it("every failure says whether the message may have been delivered; no success does", () => {
    expectTypeOf<FailureOutcome["delivered"]>().toEqualTypeOf<Delivered>();
    expectTypeOf<Delivered>().toEqualTypeOf<false | "unknown">();
    expectTypeOf<SuccessOutcome>().not.toHaveProperty("delivered");
    expectTypeOf<SuccessOutcome["kind"]>().toEqualTypeOf<
      | "entryPointConfigurationFound"
      | "conversationStarted"
      | "sendMessageSuccess"
      | "attachmentAccepted"
      | "attachmentRejected"
      | "sendGeolocationSuccess"
      | "conversationFound"
      | "agentAvailable"
      | "noAgentAvailable"
      | "slotAvailable"
      | "maximumLoad"
      | "eligible"
      | "queueFull"
    >();
  });

  it("what was refused before sending, or by the token endpoint, was never delivered", () => {
    const outcome = {} as SendTextMessageOutcome;
    if (outcome.kind === "invalidData") expectTypeOf(outcome.delivered).toEqualTypeOf<false>();
    if (outcome.kind === "authorizationFail") expectTypeOf(outcome.delivered).toEqualTypeOf<false>();
    if (outcome.kind === "timeout") expectTypeOf(outcome.delivered).toEqualTypeOf<Delivered>();
    if (outcome.kind === "invalidChoice") expectTypeOf(outcome.retryAfterMs).toEqualTypeOf<number | undefined>();
  });
});

describe("one attachment shape on both sides", () => {
  it("the accept outcome and the webhook's attachment messages share it", () => {
    const accepted = {} as AcceptAttachmentOutcome;
    if (accepted.kind === "attachmentAccepted") expectTypeOf(accepted.attachment).toEqualTypeOf<Attachment>();
    expectTypeOf<WebhookAttachmentMessage["attachment"]>().toEqualTypeOf<Attachment>();
    expectTypeOf<keyof Attachment>().toEqualTypeOf<"id" | "fileName" | "contentType" | "size" | "contentUrl">();
  });
});

describe("client options", () => {
  it("take credentials or an access token, not both; neither is a client of the chat web service only", () => {
    createEceClient({ baseUrl: "https://e.example", accessToken: "t" });
    createEceClient({ baseUrl: "https://e.example", credentials: { clientKey: "k", clientSecret: "s" } });
    // @ts-expect-error -- both
    createEceClient({ baseUrl: "https://e.example", accessToken: "t", credentials: { clientKey: "k", clientSecret: "s" } });
    createEceClient({ baseUrl: "https://e.example", chatRoot: "https://chat.example/system/egain/chat/entrypoint" });
  });

  it("every outcome is an Outcome", () => {
    expectTypeOf<SendGeolocationOutcome>().toExtend<Outcome>();
  });
});
