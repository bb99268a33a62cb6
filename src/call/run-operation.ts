/**
 * The one path every operation takes: input -> checks -> (what it needs first) -> token (none
 * for the chat web service) -> HTTP (one deadline) -> the status table -> outcome. A 401 on a cached token earns one new
 * token and one repeat per call; a start's 409 earns one fresh configuration and one repeat.
 * Nothing else is repeated. Never rejects.
 *
 * @module
 */
import { outcomeOfThrown, request, underDeadline, type EceApi, type Progress } from "../http/request.js";
import type { EntryPointDates } from "../client/entry-point-dates.js";
import { operationDefinitions, type Answer, type CallScope, type OperationDefinition } from "../client/operations.js";
import type { OperationName, Outcome, OutcomeByOperation } from "../outcomes/outcomes.js";
import { createRedactor, redactBody } from "../internal/redact.js";
import type { Result } from "../internal/result.js";
import { failureOutcomeOf } from "../outcomes/status-table.js";
import type { TokenFailure, TokenSource } from "../tokens/tokens.js";
import { checkCallOptions, type CheckedCallOptions } from "../client/validation.js";
import { invalidDataOutcome } from "../internal/check.js";
import { observe, type Emit } from "../observe/events.js";
import { annotate, inSpan, SPAN_ERROR, type Span, type Tracer } from "../observe/tracing.js";
import { isRecord, requestIdOf } from "../internal/wire.js";

/** What {@link runOperation} needs from its client. */
export interface OperationContext {
  /** The client's event stream (`undefined` when nobody listens). */
  emit: Emit;
  /** The caller's OpenTelemetry tracer, if any. */
  tracer: Tracer | undefined;
  api: EceApi;
  tokens: TokenSource;
  /** Each entry point's configuration, shared by the client's starts. */
  dates: EntryPointDates;
  /** Where the chat web service is (a URL), or `undefined` when the client could not tell. */
  chatRoot: string | undefined;
  defaultTimeoutMs: number;
  /** Whether `close()` has been called: no new call starts. */
  isClosed(): boolean;
  /** Registers a call in flight, which `close()` waits for before revoking tokens. */
  track<T>(call: Promise<T>): Promise<T>;
}

type AnyDefinition = OperationDefinition<OperationName, unknown, unknown>;

/**
 * Checks the input (nothing is sent when it is bad), then takes the one path. `partOfCall`: the
 * operation is made for a call already in flight (a start's configuration), which `close()`
 * lets finish - so it is not refused as a new call once the client is closing.
 */
export async function runOperation<O extends OperationName>(
  context: OperationContext,
  name: O,
  input: unknown,
  options: unknown,
  partOfCall = false,
): Promise<OutcomeByOperation[O]> {
  const startedAt = context.emit ? performance.now() : 0;
  const definition = operationDefinitions[name] as unknown as AnyDefinition;
  const checked = definition.check(input);
  const callOptions = checkCallOptions(options);
  let outcome: Outcome;
  let conversationId: string | undefined;
  if (!checked.ok || !callOptions.ok) {
    outcome = invalidDataOutcome([...(checked.ok ? [] : checked.error), ...(callOptions.ok ? [] : callOptions.error)]);
  } else if (context.isClosed() && !partOfCall) {
    outcome = { kind: "error", message: "The client is closed.", delivered: false };
  } else {
    conversationId = conversationIdOf(checked.value);
    const attributes: Record<string, string> = conversationId === undefined ? {} : { "ece.conversation.id": conversationId };
    outcome = await context.track(
      inSpan(context.tracer, `ece.${name}`, attributes, async (span) => {
        let ended = await call(context, name, definition, checked.value, callOptions.value, span, conversationId);
        // A read delivers nothing, whatever went wrong.
        if (definition.read && "delivered" in ended) ended = { ...ended, delivered: false } as Outcome;
        conversationId ??= ended.kind === "conversationStarted" ? ended.conversationId : undefined;
        annotate(span, {
          "http.response.status_code": "status" in ended ? ended.status : undefined,
          "ece.outcome.kind": ended.kind,
          "ece.conversation.id": conversationId,
        });
        if ("delivered" in ended) mark(span, ended.message);
        return ended;
      }),
    );
  }
  context.emit?.({
    type: "response",
    operation: name,
    ...("status" in outcome && outcome.status !== undefined ? { status: outcome.status } : {}),
    durationMs: performance.now() - startedAt,
    outcome: outcome.kind,
    ...("delivered" in outcome ? { delivered: outcome.delivered } : {}),
    ...("requestId" in outcome && outcome.requestId !== undefined ? { requestId: outcome.requestId } : {}),
    ...(conversationId === undefined ? {} : { conversationId }),
  });
  return outcome as OutcomeByOperation[O];
}

/** The conversation a checked input is about (a message's), for events and spans. */
function conversationIdOf(checked: unknown): string | undefined {
  return isRecord(checked) && typeof checked.conversationId === "string" ? checked.conversationId : undefined;
}

/** Marks a span as failed, ignoring a span that throws or rejects. */
function mark(span: Span | undefined, message: string): void {
  if (span) observe(() => span.setStatus({ code: SPAN_ERROR, message }));
}

async function call(
  context: OperationContext,
  name: OperationName,
  definition: AnyDefinition,
  input: unknown,
  { timeoutMs, signal }: CheckedCallOptions,
  span: Span | undefined,
  conversationId: string | undefined,
): Promise<Outcome> {
  let attempt = 0;
  const progress: Progress = {
    sent: false,
    ...(context.emit || span
      ? {
          watch: (request: Request) => {
            const path = new URL(request.url).pathname;
            annotate(span, { "http.request.method": request.method, "url.path": path });
            attempt += 1;
            const base = { type: "request", operation: name, attempt, method: request.method, path } as const;
            context.emit?.(conversationId === undefined ? base : { ...base, conversationId });
          },
        }
      : {}),
  };
  // The tokens this call used stay secret in what it returns, even once the client forgot them.
  const used: string[] = [];
  const redact = createRedactor(() => [...context.tokens.secrets(), ...used]);
  return underDeadline(
    timeoutMs ?? context.defaultTimeoutMs,
    signal,
    async (deadline): Promise<Outcome> => {
      let repeatedAfter401 = false;
      /** The request with the call's token; one repeat per call, when the token source mends a 401. */
      const authorized = async (prepared: unknown): Promise<Result<Answer, TokenFailure>> => {
        const attempt = (token: string | undefined) => {
          if (token !== undefined) used.push(token);
          const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
          return request(deadline, progress, (extras) => definition.request(context.api, prepared, { ...extras, headers }));
        };
        if (definition.noToken) return { ok: true, value: await attempt(undefined) };
        let token = await context.tokens.get(deadline);
        for (;;) {
          if (!token.ok) return token;
          const answer = await attempt(token.value.token);
          if (answer.response.status !== 401) return { ok: true, value: answer };
          // Once the call has repeated, the refused token is only forgotten: the 401 stands.
          const next = await context.tokens.refused(token.value, repeatedAfter401 ? undefined : deadline);
          if (next === "stop") return { ok: true, value: answer };
          repeatedAfter401 = true;
          annotate(span, { "http.request.resend_count": 1 });
          token = next;
        }
      };

      const scope: CallScope = { deadline, dates: context.dates, chatRoot: context.chatRoot };
      let prepared: Result<unknown, Outcome> = definition.prepare ? await definition.prepare(input, scope) : { ok: true, value: input };
      if (!prepared.ok) return prepared.error;
      let answer = await authorized(prepared.value);
      if (answer.ok && answer.value.response.status === 409 && definition.refreshOn409) {
        // What was prepared went stale (ECE created nothing): prepare it afresh, repeat once.
        prepared = await definition.prepare!(input, scope, prepared.value);
        if (!prepared.ok) return prepared.error;
        answer = await authorized(prepared.value);
      }
      if (!answer.ok) return answer.error;
      const { response, data, error, text } = answer.value;
      const requestId = requestIdOf(response.headers, redact);
      const withRequestId = requestId === undefined ? {} : { requestId };
      if (response.ok) {
        // Network text is redacted where it enters: values here, keys where a payload is kept.
        const payload = redactBody(data, redact, false);
        const success = definition.toSuccess(response.status, isRecord(payload) ? payload : undefined, prepared.value, redact, text);
        return { ...success, ...withRequestId } as Outcome;
      }
      const body = redactBody(error, redact, false);
      return { ...failureOutcomeOf(definition.spec, { status: response.status, body, headers: response.headers, path: progress.path }, name), ...withRequestId };
    },
    (thrown, deadline) => {
      const outcome = outcomeOfThrown(thrown, deadline, progress, redact);
      const requestId = progress.headers && requestIdOf(progress.headers, redact);
      return requestId === undefined ? outcome : { ...outcome, requestId };
    },
  );
}
