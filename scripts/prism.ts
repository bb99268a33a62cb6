/**
 * The Prism launcher for the contract tests, the demo and `npm run mock`: the one in
 * src/cli/prism.ts (which `ece-messaging mock --prism` ships), run on this repository's spec, and
 * helpers that ask Prism for the example of each message's own type.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export { freePort, startPrism, type PrismOptions, type PrismServer } from "../src/cli/prism.js";

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const specPath = join(projectRoot, "spec", "ece-messaging.yaml");

/** The name of the spec's 2xx example that matches a sendmessage body's `type.value`. */
export function exampleNameFor(typeValue: string): string {
  return typeValue === "text/plain" || typeValue === "text/html" ? "text" : typeValue;
}

/**
 * Wraps a fetch so that each sendmessage request asks Prism (`Prefer: example=...`) for the
 * success example of its own message type, instead of Prism's first example for every type.
 */
export function preferMatchingExample(fetchImpl: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.endsWith("/messaging/sendmessage") || request.headers.has("prefer")) return fetchImpl(request);
    const body = await request.clone().text();
    let typeValue: unknown;
    try {
      typeValue = (JSON.parse(body) as { type?: { value?: unknown } }).type?.value;
    } catch {
      return fetchImpl(request);
    }
    if (typeof typeValue !== "string") return fetchImpl(request);
    const headers = new Headers(request.headers);
    headers.set("Prefer", `example=${exampleNameFor(typeValue)}`);
    return fetchImpl(new Request(request, { headers }));
  };
}
