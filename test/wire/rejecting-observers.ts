/**
 * Run by observability.test.ts in a child process, under Node's default unhandled-rejection mode
 * (an unhandled rejection ends it with exit code 1): a client and a webhook handler whose
 * listener, logger methods, tracer and span methods all return rejected promises. Prints the
 * outcomes, and which observer methods were called, as JSON.
 */
import { createEceClient, type Span, type Tracer } from "../../src/index.js";
import { createWebhookHandler } from "../../src/webhooks.js";
import { answer, CREDENTIALS, eceLike, startEceStub } from "../support/ece-stub.js";

/** Observers that record their calls and reject each one. */
function rejectingObservers() {
  const called = new Set<string>();
  const rejecting = (name: string) => () => {
    called.add(name);
    return Promise.reject(new Error(`${name} failed`));
  };
  const span: Span = { setAttribute: rejecting("setAttribute"), setStatus: rejecting("setStatus"), end: rejecting("end") };
  return {
    called: () => [...called].sort(),
    options: {
      onEvent: async () => {
        called.add("onEvent");
        throw new Error("listener failed");
      },
      logger: { debug: rejecting("debug"), info: rejecting("info"), warn: rejecting("warn"), error: rejecting("error") },
      logLevel: "debug" as const,
    },
    // Its own promise rejects too (the SDK does not wait for it: it waits for its work).
    tracer: {
      startActiveSpan: <F extends (span: Span) => unknown>(_name: string, _options: unknown, fn: F) => {
        void fn(span);
        return rejecting("startActiveSpan")() as ReturnType<F>;
      },
    } satisfies Tracer,
  };
}

// The client: a success, a failure (its span gets an error status), a token store that is down
// (an error-level event) and close (a revoke).
const client = rejectingObservers();
let sends = 0;
const stub = await startEceStub(
  eceLike((_request, response) => {
    sends += 1;
    answer(response, sends === 1 ? 200 : 404, sends === 1 ? { id: "m-1" } : {});
  }),
);
const down = () => Promise.reject(new Error("store down"));
const ece = createEceClient({
  baseUrl: stub.url,
  credentials: CREDENTIALS,
  tokenStore: { read: down, write: down, deleteIf: down, acquireLock: down, releaseLock: down },
  tracer: client.tracer,
  ...client.options,
});
const sent = await ece.sendTextMessage({ conversationId: "c-1", message: "hello" });
const notFound = await ece.sendTextMessage({ conversationId: "c-1", message: "hello" });
const closed = await ece.close();
await stub.close();

// The webhook handler: a post it takes and one it refuses.
const webhook = rejectingObservers();
const handle = createWebhookHandler({ authorization: { type: "basic", username: "ece", password: "pw" }, onMessages: () => undefined, ...webhook.options });
const body = JSON.stringify({
  message: [{ id: "1", conversation: { id: "c-1" }, type: { value: "text/plain" }, content: "hi", sender: { type: "user" }, timeStamp: 1 }],
});
const post = (headers: Record<string, string>) =>
  handle(new Request("http://localhost/ece", { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body }));
const received = await post({ Authorization: `Basic ${btoa("ece:pw")}` });
const refused = await post({});

console.log(
  JSON.stringify({
    client: { sent: sent.kind, notFound: notFound.kind, closed, called: client.called() },
    webhook: { received: received.status, refused: refused.status, called: webhook.called() },
  }),
);
