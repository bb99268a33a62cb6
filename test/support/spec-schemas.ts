/**
 * Validates a response body against the spec's own schemas (JSON Schema 2020-12, as OpenAPI 3.1
 * writes them) with Ajv: the schema the spec declares for an operation's status, refs into
 * `components` resolved within the spec, formats (`uri`) checked.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { spec } from "./spec.js";

type Json = Record<string, unknown>;

const SPEC_ID = "https://ece-messaging.local/spec/ece-messaging.yaml";
// strict: false - the spec's schemas carry OpenAPI's own keywords (`example`), which are not JSON Schema's.
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its function is the module itself or its `default`, by loader.
const withFormats = ((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats) as typeof addFormats;
withFormats(ajv);
ajv.addSchema({ ...spec, $id: SPEC_ID });

const escape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

/** A response object, following `$ref`s into `components/responses`; with its JSON pointer. */
function response(path: string, method: string, status: number): { node: Json; pointer: string } | undefined {
  const operation = ((spec.paths as Json)[path] as Json | undefined)?.[method] as Json | undefined;
  if (!operation) throw new Error(`The spec has no ${method.toUpperCase()} ${path}.`);
  let node = (operation.responses as Json)[String(status)] as Json | undefined;
  let pointer = `#/paths/${escape(path)}/${method}/responses/${status}`;
  if (!node) return undefined;
  while (typeof node.$ref === "string") {
    pointer = node.$ref;
    node = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<Json>((acc, key) => acc[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Json, spec);
  }
  return { node, pointer };
}

const compiled = new Map<string, ValidateFunction | null>();

/** The validator of the JSON body the spec declares for a status, `null` for a declared bodiless status. */
function validatorFor(path: string, method: string, status: number): ValidateFunction | null | undefined {
  const key = `${method} ${path} ${status}`;
  if (compiled.has(key)) return compiled.get(key);
  const found = response(path, method, status);
  if (!found) return undefined;
  const media = (found.node.content as Json | undefined)?.["application/json"] as Json | undefined;
  const validator = media?.schema ? ajv.getSchema(`${SPEC_ID}${found.pointer}/content/application~1json/schema`)! : null;
  compiled.set(key, validator);
  return validator;
}

/**
 * The problems of one answer against the spec (empty when it conforms): the status must be
 * declared for the operation; a body must match the declared JSON schema; a declared body must
 * be there and a bodiless status must have none.
 */
export function specProblems(path: string, method: "get" | "post", status: number, body: string): string[] {
  const validator = validatorFor(path, method, status);
  if (validator === undefined) return [`${method.toUpperCase()} ${path} does not declare ${status}`];
  if (validator === null) return body === "" ? [] : [`${status} declares no body, got ${body.slice(0, 200)}`];
  if (body === "") return [`${status} declares a JSON body, got none`];
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [`${status}: the body is not JSON: ${body.slice(0, 200)}`];
  }
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e) => `${status} ${e.instancePath || "(body)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
