// A TypeDoc plugin: puts every exported name of the docs entry (docs-src/index.ts) in one of the
// reference's groups, in reading order (typedoc.json's groupOrder). A name without a group fails
// the docs build, so that a new export is placed on purpose.
import { Comment, CommentTag, Converter } from "typedoc";

/** Group -> the exported names in it, or tests on a name. */
const groups = [
  ["Client", ["createEceClient", "EceClient", "EceClientOptions", "CredentialsClientOptions", "AccessTokenClientOptions", "ChatOnlyClientOptions", "ClientCredentials", "CallOptions", "CloseResult", "DEFAULT_API_ROOT", "DEFAULT_TIMEOUT_MS", "OperationName", "MessageOperationName", "ChatOperationName"]],
  ["Conversation lifecycle", ["EntryPointInput", "StartConversationInput", "CustomerInput", "ConversationInput"]],
  ["Sending", ["MessageInput", "AttachmentDecisionInput", "UploadAttachmentFromUrlInput", "GeolocationInput", "Attachment"]],
  ["Outcomes", (name) => /Outcome$|^Outcome(Kind)?$/.test(name) || ["isSuccess", "Delivered", "FailureDetails", "AnswerDetails", "MessageSuccessDetails", "HttpFailureDetails", "ValidationIssue", "UnauthorizedReason"].includes(name)],
  ["Webhooks", (name) => /^Webhook(?!Delivery$)/.test(name) || ["createWebhookHandler", "toNodeListener", "parseWebhookPayload", "NodeRequestLike", "NodeResponseLike"].includes(name)],
  ["Fleet (Redis)", (name) => (/TokenStore|^StoredToken$|RedisClientLike$|^DEFAULT_LOCK_TTL_MS$/.test(name) && name !== "TokenStoreErrorEvent")],
  ["Observability", (name) => /Event$/.test(name) || ["Logger", "LogLevel", "ObservabilityOptions", "Span", "Tracer"].includes(name)],
  ["Testing", (name) => /^Fake|^Received/.test(name) || ["createFakeEce", "AddConversationOptions", "AgentFile", "AttachmentOfferDelivery", "ListenOptions", "ScriptedFailure", "WebhookDelivery"].includes(name)],
  ["Generated", ["paths"]],
];

function groupOf(name) {
  for (const [group, test] of groups) if (Array.isArray(test) ? test.includes(name) : test(name)) return group;
  return undefined;
}

export function load(app) {
  // After comments are resolved, before the group plugin (priority -100) sorts children into groups.
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const unplaced = [];
      for (const reflection of context.project.children ?? []) {
        const group = groupOf(reflection.name);
        if (!group) {
          unplaced.push(reflection.name);
          continue;
        }
        for (const target of [reflection, ...(reflection.signatures ?? [])]) {
          target.comment ??= new Comment();
          target.comment.blockTags = target.comment.blockTags.filter((tag) => tag.tag !== "@group");
        }
        reflection.comment.blockTags.push(new CommentTag("@group", [{ kind: "text", text: group }]));
      }
      if (unplaced.length > 0) app.logger.error(`typedoc-groups: no reference group for ${unplaced.join(", ")} (scripts/typedoc-groups.mjs)`);
    },
    1000,
  );
}
