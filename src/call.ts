/**
 * The one path every message operation takes: input -> checks -> token -> HTTP (one deadline)
 * -> the status table -> outcome. Never rejects.
 *
 * @module
 */
import { outcomeOfThrown, request, underDeadline, type EceApi, type Progress } from "./http.js";
import { operationDefinitions, type OperationDefinition, type SendMessageBody, type SendMessageResponse } from "./operations.js";
import type { OperationName, Outcome, OutcomeByOperation } from "./outcomes.js";
import { createRedactor, redactBody } from "./redact.js";
import { failureOutcomeOf } from "./status-table.js";
import type { TokenSource } from "./tokens.js";
import type { CallFetch } from "./transport.js";
import { checkCallOptions, invalidDataOutcome, type CheckedCallOptions } from "./validation.js";
import { isRecord } from "./wire.js";

/** What {@link runOperation} needs from its client. */
export interface OperationContext {
  api: EceApi;
  /** The client's fetch (bodies capped). */
  fetch: CallFetch;
  tokens: TokenSource;
  defaultTimeoutMs: number;
  /** Whether `close()` has been called: no new call starts, and no token is refreshed. */
  isClosed(): boolean;
  /** Registers a call in flight, which `close()` waits for before revoking tokens. */
  track<T>(call: Promise<T>): Promise<T>;
}

/**
 * Checks the input (nothing is sent when it is bad), gets a token, POSTs the body and maps the
 * answer to an outcome. A 401 on a cached token gets a new token and one repeat; nothing else
 * is ever repeated.
 */
export async function runOperation<O extends OperationName>(
  context: OperationContext,
  name: O,
  input: unknown,
  options: unknown,
): Promise<OutcomeByOperation[O]> {
  type Result = OutcomeByOperation[O];
  const definition = operationDefinitions[name] as unknown as OperationDefinition<OperationName, unknown>;
  const checked = definition.check(input);
  const callOptions = checkCallOptions(options);
  if (!checked.ok || !callOptions.ok) {
    return invalidDataOutcome([...(checked.ok ? [] : checked.error), ...(callOptions.ok ? [] : callOptions.error)]) as Result;
  }
  if (context.isClosed()) return { kind: "error", message: "The client is closed.", delivered: false } as Result;
  const body = definition.toBody(checked.value);
  return context.track(send(context, name, definition, body, callOptions.value)) as Promise<Result>;
}

async function send(
  context: OperationContext,
  name: OperationName,
  definition: OperationDefinition<OperationName, unknown>,
  body: SendMessageBody,
  { timeoutMs, signal }: CheckedCallOptions,
): Promise<Outcome> {
  const progress: Progress = { sent: false };
  // The tokens this call used stay secret in what it returns, even once the client forgot them.
  const used: string[] = [];
  const redact = createRedactor(() => [...context.tokens.secrets(), ...used]);
  return underDeadline(
    timeoutMs ?? context.defaultTimeoutMs,
    signal,
    async (deadline): Promise<Outcome> => {
      const post = (token: string) => {
        used.push(token);
        return request(deadline, context.fetch, progress, (extras) =>
          context.api.POST("/messaging/sendmessage", { body, headers: { Authorization: `Bearer ${token}` }, ...extras }),
        );
      };
      let token = await context.tokens.get(deadline);
      if (!token.ok) return token.error;
      let answer = await post(token.value.token);
      if (answer.response.status === 401) {
        // The token is no good: forget it, so that no later call uses it either.
        context.tokens.invalidate(token.value.token);
        // Cached, it may simply have expired: one new token, one repeat (ECE did nothing). Not
        // once the client is closing: a token fetched now would outlive close().
        if (token.value.fromCache && context.tokens.canRefresh && !context.isClosed()) {
          token = await context.tokens.get(deadline);
          if (!token.ok) return token.error;
          answer = await post(token.value.token);
        }
      }
      const { response } = answer;
      if (response.ok) {
        // Network text is redacted where it enters: values here, keys where a payload is kept.
        const payload = redactBody(answer.data, redact, false);
        return definition.toSuccess(response.status, isRecord(payload) ? (payload as SendMessageResponse) : undefined, body, redact);
      }
      const error = { status: response.status, body: redactBody(answer.error, redact, false), headers: response.headers };
      return failureOutcomeOf("sendMessage", error, name);
    },
    (thrown, deadline) => outcomeOfThrown(thrown, deadline, progress, redact),
  );
}
