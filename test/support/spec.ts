/**
 * Reads the spec itself, so that tests take their matrix (statuses, examples) from the
 * contract rather than from a hand-kept list.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { exampleNameFor, specPath } from "../../scripts/prism.js";

type Json = Record<string, unknown>;

/** The parsed spec. */
export const spec = parse(readFileSync(specPath, "utf8")) as Json;

function resolveRef<T>(node: unknown): T {
  let current = node as Json;
  while (current && typeof current.$ref === "string") {
    const path = current.$ref.replace(/^#\//, "").split("/");
    current = path.reduce<Json>((acc, key) => acc[key] as Json, spec);
  }
  return current as T;
}

/** One named example of a response. */
export interface ResponseExample {
  /** The example's name (`default` when the response has a single `example`). */
  name: string;
  value: unknown;
}

/** One declared response of an operation. */
export interface DeclaredResponse {
  status: number;
  examples: ResponseExample[];
}

/**
 * The responses the spec declares for `method path` (POST unless said), each with its examples
 * of `mediaType` (JSON unless said).
 */
export function declaredResponses(path: string, method: "get" | "post" = "post", mediaType = "application/json"): DeclaredResponse[] {
  const operation = ((spec.paths as Json)[path] as Json)[method] as Json;
  return Object.entries(operation.responses as Json).map(([status, raw]) => {
    const response = resolveRef<Json>(raw);
    const media = (response.content as Json | undefined)?.[mediaType] as Json | undefined;
    const examples: ResponseExample[] = [];
    if (media?.examples) {
      for (const [name, example] of Object.entries(media.examples as Json)) {
        examples.push({ name, value: resolveRef<Json>(example).value });
      }
    } else if (media && "example" in media) {
      examples.push({ name: "default", value: media.example });
    }
    return { status: Number(status), examples };
  });
}

/**
 * The example of `response` that a sendmessage of `type` (its `type.value`) is answered with: the
 * only one, or the one named after the type where the response has several (as Prism picks it).
 */
export function exampleForType(type: string, response: DeclaredResponse): ResponseExample | undefined {
  if (response.examples.length <= 1) return response.examples[0];
  const wanted = exampleNameFor(type);
  const example = response.examples.find((e) => e.name === wanted);
  if (!example) throw new Error(`The spec's ${response.status} has no example named ${wanted}.`);
  return example;
}
