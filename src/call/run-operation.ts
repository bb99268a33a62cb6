/**
 * The one path every operation takes: input -> checks -> (what it needs first) -> token (none
 * for the chat web service) -> HTTP (one deadline) -> the status table -> outcome. A
 * conversation's sends go one at a time, in call order. A 401 on a cached token earns one new
 * token and one repeat per call; a start's 409 earns one fresh configuration and one repeat; what
 * provably did not reach ECE (and a read's transient failures) is retried up to `maxRetries`
 * times (see http/retry.ts). Never rejects.
 *
 * @module
 */
import { failureOfAnswer, outcomeOfThrown, request, underDeadline, watchedProgress, type Answer, type EceApi } from "../http/request.js";
import { mayRetry, withRetries, type Attempt } from "../http/retry.js";
import type { Deadline } from "../http/transport.js";
import type { EntryPointDates } from "../client/entry-point-dates.js";
import { operationDefinitions, type CallScope, type OperationDefinition } from "../client/operations.js";
import type { Delivered, FailureOutcome, OperationName, Outcome, OutcomeByOperation } from "../outcomes/outcomes.js";
import { createRedactor, redactBody } from "../internal/redact.js";
import type { Result } from "../internal/result.js";
import type { TokenFailure, TokenSource } from "../tokens/tokens.js";
import { checkCallOptions, type CheckedCallOptions } from "../client/validation.js";
import { invalidDataOutcome } from "../internal/check.js";
import { observe, type Emit } from "../observe/events.js";
import { annotate, inSpan, SPAN_ERROR, type Span, type Tracer } from "../observe/tracing.js";
import { definedFields, isRecord, requestIdOf } from "../internal/wire.js";

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
  /** The client's `maxRetries`, unless a call says otherwise. */
  maxRetries: number;
  /** Each conversation's sends, in call order (see {@link inTurn}). */
  queues: Queues;
  /** Whether `close()` has been called: no new call starts, no retry either. */
  isClosed(): boolean;
  /** Aborts when `close()` is called: a retry still waiting is not started. */
  closed: AbortSignal;
  /** Registers a call in flight, which `close()` waits for before revoking tokens. */
  track<T>(call: Promise<T>): Promise<T>;
}

/** Per conversation: settles once its last send so far has ended, with the outcome the next inherits. */
export type Queues = Map<string, Promise<Outcome | undefined>>;

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
  } else if (context.tokens.unavailable && !definition.noToken) {
    // Nothing can be sent, so nothing is tried (nor retried).
    outcome = context.tokens.unavailable;
  } else {
    conversationId = conversationIdOf(checked.value);
    const attributes = definedFields({ "ece.conversation.id": conversationId });
    outcome = await context.track(
      inSpan(context.tracer, `ece.${name}`, attributes, async (span) => {
        const ended = await call(context, name, definition, checked.value, callOptions.value, span, conversationId);
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
  const { status, delivered, requestId } = outcome as { status?: number; delivered?: Delivered; requestId?: string };
  context.emit?.({
    type: "response",
    operation: name,
    ...definedFields({ status }),
    durationMs: performance.now() - startedAt,
    outcome: outcome.kind,
    ...definedFields({ delivered, requestId, conversationId }),
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

/**
 * Runs `work` once every earlier send into the conversation has ended (its retries included),
 * or ends with the `authorizationFail` one of them ended with. The wait spends the call's deadline.
 */
async function inTurn(queues: Queues, conversationId: string, deadline: Deadline, work: () => Promise<Outcome>): Promise<Outcome> {
  const before = queues.get(conversationId);
  let end!: (outcome: Outcome | undefined) => void;
  const ended = new Promise<Outcome | undefined>((resolve) => (end = resolve));
  // A call that timed out while waiting still holds its place: the next waits for its elders too.
  const turn = Promise.all([before, ended]).then(([earlier, mine]) => (earlier?.kind === "authorizationFail" ? earlier : mine));
  queues.set(conversationId, turn);
  void turn.then(() => queues.get(conversationId) === turn && queues.delete(conversationId));
  let outcome: Outcome | undefined;
  try {
    const earlier = before && (await deadline.race(before));
    outcome = earlier?.kind === "authorizationFail" ? earlier : await work();
    return outcome;
  } finally {
    end(outcome);
  }
}

async function call(
  context: OperationContext,
  name: OperationName,
  definition: AnyDefinition,
  input: unknown,
  { timeoutMs, signal, maxRetries = context.maxRetries }: CheckedCallOptions,
  span: Span | undefined,
  conversationId: string | undefined,
): Promise<Outcome> {
  /** The call's requests so far; an attempt whose token request failed counts as one. */
  let requests = 0;
  const progress = watchedProgress(context.emit, span, name, () => requests, conversationId);
  // The tokens this call used stay secret in what it returns, even once the client forgot them.
  const used: string[] = [];
  const redact = createRedactor(() => [...context.tokens.secrets(), ...used]);
  const read = definition.read === true;
  const thrownOutcome = (thrown: unknown, deadline: Deadline): Outcome => {
    const outcome = outcomeOfThrown(thrown, deadline, progress, redact);
    const requestId = progress.headers && requestIdOf(progress.headers, redact);
    return { ...outcome, ...definedFields({ requestId }) };
  };
  const outcome = await underDeadline(
    timeoutMs ?? context.defaultTimeoutMs,
    signal,
    async (deadline): Promise<Outcome> => {
      let repeatedAfter401 = false;
      /** The request with the call's token; one repeat per call, when the token source mends a 401. */
      const authorized = async (prepared: unknown): Promise<Result<Answer, TokenFailure>> => {
        const send = (token: string | undefined) => {
          if (token !== undefined) used.push(token);
          const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
          return request(deadline, progress, (extras) => definition.request(context.api, prepared, { ...extras, headers }));
        };
        requests += 1;
        if (definition.noToken) return { ok: true, value: await send(undefined) };
        let token = await context.tokens.get(deadline);
        for (;;) {
          if (!token.ok) return token;
          const answer = await send(token.value.token);
          if (answer.response.status !== 401) return { ok: true, value: answer };
          // Once the call has repeated, the refused token is only forgotten: the 401 stands.
          const next = await context.tokens.refused(token.value, repeatedAfter401 ? undefined : deadline);
          if (next === "stop") return { ok: true, value: answer };
          repeatedAfter401 = true;
          requests += 1;
          token = next;
        }
      };

      const scope: CallScope = { deadline, dates: context.dates, chatRoot: context.chatRoot };
      /** One attempt: its outcome, and whether that failure may be sent again. */
      const attempt = async (): Promise<Attempt<Outcome>> => {
        try {
          let prepared: Result<unknown, Outcome> = definition.prepare ? await definition.prepare(input, scope) : { ok: true, value: input };
          if (!prepared.ok) return { outcome: prepared.error, retry: false };
          let answer = await authorized(prepared.value);
          if (answer.ok && answer.value.response.status === 409 && definition.refreshOn409) {
            // What was prepared went stale (ECE created nothing): prepare it afresh, repeat once.
            prepared = await definition.prepare!(input, scope, prepared.value);
            if (!prepared.ok) return { outcome: prepared.error, retry: false };
            answer = await authorized(prepared.value);
          }
          // The token request's own rule: retried only when it made no connection, or got a 429.
          if (!answer.ok) return { outcome: { ...answer.error, delivered: false }, retry: mayRetry(answer.error, false) };
          const { response, data, text } = answer.value;
          const requestId = requestIdOf(response.headers, redact);
          const withRequestId = definedFields({ requestId });
          if (response.ok) {
            // Network text is redacted where it enters: values here, keys where a payload is kept.
            const payload = redactBody(data, redact, false);
            const success = definition.toSuccess(response.status, isRecord(payload) ? payload : undefined, prepared.value, redact, text);
            return { outcome: { ...success, ...withRequestId } as Outcome, retry: false };
          }
          const failure = { ...failureOfAnswer(definition.spec, answer.value, progress, redact, name), ...withRequestId };
          return { outcome: failure, retry: mayRetry(failure, read) };
        } catch (thrown) {
          const outcome = thrownOutcome(thrown, deadline) as FailureOutcome;
          return { outcome, retry: mayRetry(outcome, read) };
        }
      };

      const retries = { operation: name, maxRetries, deadline, emit: context.emit, closed: context.closed, requests: () => requests, progress };
      const attempts = () => withRetries(retries, attempt);
      // Sends into a conversation go in call order; a read of it does not wait for them.
      const ordered = conversationId !== undefined && definition.spec === "sendMessage";
      return ordered ? inTurn(context.queues, conversationId, deadline, attempts) : attempts();
    },
    thrownOutcome,
  );
  annotate(span, { "http.request.resend_count": requests > 1 ? requests - 1 : undefined });
  // A read delivers nothing, whatever became of it.
  return read && "delivered" in outcome ? { ...outcome, delivered: false } : outcome;
}
