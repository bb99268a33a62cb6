// A TypeDoc plugin that makes the reference lead a reader (issue 22 item 3). TypeDoc has no
// options for these, so they are done here, from the reflections themselves where possible:
// - groups: every exported name of the docs entry (docs-src/index.ts) in one of the groups of
//   typedoc.json's groupOrder, each led by its factory and the names given here. A name without
//   a group fails the docs build, so that a new export is placed on purpose.
// - the sidebar: the client's methods under EceClient; under Conversation, each operation (a
//   method of EceClient) with its input and its outcome union; Outcomes split into the unions
//   per operation and the shapes they share.
// - the README (Install, the quick start) as the first guide, titled here: a title in its YAML
//   frontmatter would show on GitHub as a table.
// - search (TypeDoc ranks by lunr's score, and a result whose whole name starts with the query
//   first): a kind's name (`queueFull`) finds the outcome unions whose tables list it; exported
//   names and guides weigh more than members; a guide's frontmatter `keywords` are searched.
//   assets/outcome-kinds.js hands each union's kinds to docs-src/site.js, which orders the
//   results shown: an exported name equal to the query, then the unions that have it as a kind.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Comment, CommentTag, Converter, IndexEvent, JSX, ReflectionKind, RendererEvent } from "typedoc";

/**
 * Group -> the names that lead it, in reading order (its factory first, then what a reader needs
 * next), and a test for the rest of its names (which follow in source order).
 */
const groups = [
  ["Client", ["createEceClient", "EceClient", "EceClientOptions", "CredentialsClientOptions", "AccessTokenClientOptions", "ChatOnlyClientOptions", "ClientCredentials", "CallOptions", "CloseResult", "OperationName", "MessageOperationName", "ChatOperationName", "DEFAULT_API_ROOT", "DEFAULT_TIMEOUT_MS"]],
  ["Conversation", ["EntryPointInput", "StartConversationInput", "CustomerInput", "MessageInput", "UploadAttachmentFromUrlInput", "AttachmentDecisionInput", "GeolocationInput", "ConversationInput"]],
  ["Outcomes", ["Outcome", "OutcomeKind", "isSuccess", "Delivered", "FailureDetails", "HttpFailureDetails", "ValidationIssue", "UnauthorizedReason", "AnswerDetails", "MessageSuccessDetails", "Attachment"], (name) => /Outcome$/.test(name)],
  // The webhook handler's events are with the other events, under Observability.
  ["Webhooks", ["createWebhookHandler", "WebhookHandlerOptions", "WebhookHandler", "WebhookMessage"], (name) => /^Webhook(?!Delivery$)(?!.*Event$)/.test(name) || ["parseWebhookPayload", "NodeRequestLike", "NodeResponseLike", "toNodeListener"].includes(name)],
  ["Fleet (Redis)", ["createRedisTokenStore", "RedisTokenStoreOptions", "TokenStore", "StoredToken", "NodeRedisClientLike", "IoRedisClientLike", "DEFAULT_LOCK_TTL_MS"]],
  ["Observability", ["ObservabilityOptions", "EceEvent", "Logger", "LogLevel", "Tracer", "Span"], (name) => /Event$/.test(name)],
  ["Testing", ["createFakeEce", "FakeEce", "FakeEceOptions", "ListenOptions", "FakeAgent"], (name) => /^Fake|^Received/.test(name) || ["AddConversationOptions", "AgentFile", "AttachmentOfferDelivery", "ScriptedFailure", "WebhookDelivery"].includes(name)],
  ["Generated", ["paths"]],
];

function groupOf(name) {
  for (const [group, lead, rest] of groups) if (lead.includes(name) || rest?.(name)) return group;
  return undefined;
}

/** A leading name's place in its group (the rest keep source order, after the leading names). */
function rank(name) {
  for (const [, lead] of groups) if (lead.includes(name)) return lead.indexOf(name);
  return Number.MAX_SAFE_INTEGER;
}

/** The name of the type a parameter or a `Promise<...>` return refers to, if any. */
function referenced(type) {
  if (type?.type !== "reference") return undefined;
  return type.name === "Promise" ? referenced(type.typeArguments?.[0]) : type.reflection;
}

/** The client's operations: each method of EceClient, its input and its outcome union. */
function operationsOf(project) {
  const client = project.getChildByName("EceClient");
  return (client?.children ?? [])
    .filter((member) => member.kindOf(ReflectionKind.Method))
    .map((method) => {
      const [signature] = method.signatures ?? [];
      return { method, input: referenced(signature?.parameters?.[0]?.type), outcome: referenced(signature?.type) };
    });
}

/** The kinds a union's generated TSDoc table lists (its first column, below its header `kind`). */
function kindsInTable(reflection) {
  const text = (reflection.comment?.summary ?? []).map((part) => part.text).join("");
  return [...text.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1]).filter((kind) => kind !== "kind");
}

export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, document) => {
    if (document.name !== "README") return;
    document.name = "Install and quick start";
    document.frontmatter.group = "Guides";
  });

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

  // After the group plugin: the leading names in the order above ("source-order" would open the
  // Client group with two constants, Webhooks with its events, Fleet with a Redis client's shape).
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      for (const group of context.project.groups ?? []) group.children.sort((a, b) => rank(a.name) - rank(b.name));
    },
    -200,
  );

  app.renderer.on(RendererEvent.BEGIN, () => {
    const theme = app.renderer.theme;
    if (!theme?.buildNavigation) return;
    const build = theme.buildNavigation.bind(theme);
    theme.buildNavigation = (project) => leadingNavigation(build(project), project, theme.router);
  });

  app.renderer.on(IndexEvent.PREPARE_INDEX, (event) => {
    const kindsOf = new Map(event.searchResults.map((reflection) => [reflection, kindsInTable(reflection)]));
    // lunr (BM25) scales a field's match down by how much longer it is than that field's average
    // over every result, which is near zero for fields few results have: these weights make up
    // for it, enough that a kind's unions are among the ten results shown (site.js puts them
    // first), not so much that a partial match ("message" in `sendMessageSuccess`) outranks names.
    event.searchFieldWeights.kinds = 10 * event.searchFieldWeights.name;
    event.searchFieldWeights.keywords = 100 * event.searchFieldWeights.name;
    event.searchResults.forEach((reflection, index) => {
      if (kindsOf.get(reflection).length > 0) event.searchFields[index].kinds = kindsOf.get(reflection).join(" ");
      // A guide's frontmatter `keywords`: the words a reader searches it by.
      if (reflection.isDocument() && reflection.frontmatter.keywords) event.searchFields[index].keywords = [reflection.frontmatter.keywords].flat().join(" ");
      if (reflection.parent?.isProject()) reflection.relevanceBoost = (reflection.relevanceBoost ?? 1) * 3;
    });
  });
  publishOutcomeKinds(app);
}

/** The script tag of assets/outcome-kinds.js, and the file: each outcome union's kinds, by name. */
function publishOutcomeKinds(app) {
  app.renderer.hooks.on("head.end", (context) => JSX.createElement("script", { defer: true, src: context.relativeURL("assets/outcome-kinds.js", true) }));
  app.renderer.on(RendererEvent.END, (event) => {
    const unions = event.project.getReflectionsByKind(ReflectionKind.TypeAlias).map((union) => [union.name, kindsInTable(union)]);
    const kinds = Object.fromEntries(unions.filter(([, listed]) => listed.length > 0));
    writeFileSync(join(event.outputDirectory, "assets", "outcome-kinds.js"), `globalThis.outcomeKinds = ${JSON.stringify(kinds)};\n`);
  });
}

/** TypeDoc's sidebar, with the client's methods and each operation's input and outcome shown. */
function leadingNavigation(navigation, project, router) {
  const groupNode = (title) => navigation.find((node) => node.text === title && !node.path);
  const link = (reflection) => ({ text: reflection.name, path: router.getFullUrl(reflection), kind: reflection.kind });
  const operations = operationsOf(project);

  const client = groupNode("Client")?.children?.find((node) => node.text === "EceClient");
  if (client) client.children = operations.map(({ method }) => link(method));

  const conversation = groupNode("Conversation");
  if (conversation) {
    const shown = new Set();
    const perOperation = operations
      .filter(({ outcome }) => outcome && groupOf(outcome.name) === "Outcomes")
      .map(({ method, input, outcome }) => {
        const children = [input, outcome].filter(Boolean);
        for (const child of children) shown.add(child.name);
        return { ...link(method), children: children.map(link) };
      });
    conversation.children = [...perOperation, ...(conversation.children ?? []).filter((node) => !shown.has(node.text))];
  }

  const outcomes = groupNode("Outcomes");
  if (outcomes) {
    const unions = new Set(operations.map(({ outcome }) => outcome?.name));
    const children = outcomes.children ?? [];
    outcomes.children = [
      { text: "Per operation", children: [...unions].flatMap((name) => children.filter((node) => node.text === name)) },
      { text: "Shared shapes", children: children.filter((node) => !unions.has(node.text)) },
    ];
  }
  return navigation;
}
