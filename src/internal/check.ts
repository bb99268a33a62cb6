/**
 * Internal (no entry exports it): the one way options and inputs are checked, everywhere - the
 * client's inputs and options, the webhook handler's, the Redis store's and the fake's. A check
 * reads an object's fields once through {@link Fields}, names every problem with its field, and
 * never throws; a setup function turns the problems into one `TypeError` ({@link checkedOrThrow}).
 *
 * @module
 */
import type { InvalidDataOutcome, ValidationIssue } from "../outcomes/outcomes.js";
import type { Result } from "./result.js";
import { isRecord } from "./wire.js";

/** The result of a check: the checked value, or every problem found. */
export type Checked<T> = Result<T, ValidationIssue[]>;

/** Why an input could not be read at all (a throwing getter, a hostile Proxy). */
const UNREADABLE = "could not be read";

/** The longest delay a timer takes (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * The fields of one object, read once: own data properties only (a key inherited from a
 * polluted `Object.prototype` is absent), a getter called once, and a getter or Proxy trap that
 * throws recorded as an issue of that field instead of escaping.
 */
export class Fields {
  readonly list: ValidationIssue[] = [];
  readonly #values = new Map<string, unknown>();

  constructor(private readonly record: object) {}

  /** Adds a problem of `field` - unless it could not be read (that is its one problem) or says so already. */
  add(field: string, problem: string): undefined {
    if (!this.list.some((issue) => issue.field === field && (issue.problem === problem || issue.problem === UNREADABLE))) {
      this.list.push({ field, problem });
    }
    return undefined;
  }

  /** The own value of `field`, or `undefined` when it is absent or could not be read. */
  get(field: string): unknown {
    if (this.#values.has(field)) return this.#values.get(field);
    let value: unknown;
    try {
      const descriptor = Object.getOwnPropertyDescriptor(this.record, field);
      value = descriptor === undefined ? undefined : "value" in descriptor ? descriptor.value : descriptor.get?.call(this.record);
    } catch {
      this.add(field, UNREADABLE);
    }
    this.#values.set(field, value);
    return value;
  }

  /** Whether `field` was given (own, and not `undefined`). */
  has(field: string): boolean {
    return this.get(field) !== undefined;
  }

  /** The value of a required `field`; `undefined` when it is missing or could not be read (each named once). */
  required(field: string): unknown {
    const value = this.get(field);
    return value === undefined || value === null ? this.add(field, "is required") : value;
  }

  /** The value of an optional `field` when it is absent or `valid`; else `undefined`, with `problem` added. */
  optional<T>(field: string, valid: (value: unknown) => boolean, problem: string): T | undefined {
    const value = this.get(field);
    return value === undefined || valid(value) ? (value as T | undefined) : this.add(field, problem);
  }

  /** A string with at least one non-white-space character. */
  requiredText(field: string): string | undefined {
    return this.required(field) === undefined ? undefined : this.optionalText(field);
  }

  /** An optional non-blank string, of at most `max` characters (Unicode code points) when given. */
  optionalText(field: string, max = Number.POSITIVE_INFINITY): string | undefined {
    const value = this.get(field);
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.add(field, `must be a string, not ${describe(value)}`);
    if (value.trim() === "") return this.add(field, value === "" ? "must not be empty" : "must not be blank");
    return [...value].length > max ? this.add(field, `must be at most ${max} characters`) : value;
  }
}

/** What `value` is, for a problem's text: never the value itself. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Checks an argument that must be a plain object: `read` checks its fields, adding issues, and
 * returns the checked value, which is used only when no issue was found. Never throws, whatever
 * the argument is (a revoked Proxy included).
 */
export function checkObject<T>(input: unknown, read: (fields: Fields) => T, name = "input"): Checked<T> {
  let fields: Fields | undefined;
  try {
    if (!isRecord(input)) return { ok: false, error: [{ field: name, problem: `must be an object, not ${describe(input)}` }] };
    fields = new Fields(input);
    const value = read(fields);
    return fields.list.length === 0 ? { ok: true, value } : { ok: false, error: fields.list };
  } catch {
    return { ok: false, error: [...(fields?.list ?? []), { field: name, problem: UNREADABLE }] };
  }
}

/** Checks `value`, a required nested object named `field`, adding its problems to `fields` as `<field>.<name>`. */
export function nested<T>(fields: Fields, field: string, value: unknown, read: (inner: Fields) => T): T | undefined {
  if (value === undefined) return fields.add(field, "is required");
  const checked = checkObject(value, read, field);
  if (checked.ok) return checked.value;
  for (const { field: name, problem } of checked.error) fields.add(name === field ? field : `${field}.${name}`, problem);
  return undefined;
}

/**
 * A copy of `list`, each own element read once (a hole is `undefined`): what is used is what was
 * checked, whatever the caller does to `list` afterwards.
 */
export function elementsOf(list: unknown[]): unknown[] {
  return Array.from({ length: list.length }, (_, index) => (Object.hasOwn(list, index) ? list[index] : undefined));
}

/**
 * Whether `text` is, as written, an absolute `http://` or `https://` URL with a host: URL
 * parsers forgive forms like `https:x`, `http:\\\\x` or surrounding spaces, but the text is sent
 * as given, so it must already be well-formed (no white space or control characters either).
 * Parsed, an http(s) URL always has a host: the WHATWG parser refuses an empty one.
 */
export function isAbsoluteHttpUrl(text: string): boolean {
  if (!/^https?:\/\/[^/?#]/i.test(text) || /[\s\u0000-\u001f\u007f]/.test(text)) return false;
  try {
    return new URL(text).host !== "";
  } catch {
    return false;
  }
}

/** Whether `value` is a usable timer delay: a positive number of milliseconds a timer can wait. */
export function isTimerDelay(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= MAX_TIMER_DELAY_MS;
}

/** Whether `value` is a whole number of at least 1 (and at most 2^53 - 1). */
export function isPositiveWhole(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/** Whether `value` (an object or a class instance) has a function under each of `names`. */
export function hasMethods(value: unknown, names: readonly string[]): boolean {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  return names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");
}

/** Each issue as `<field> <problem>`, joined with "; ". */
function summary(issues: readonly ValidationIssue[]): string {
  return issues.map(({ field, problem }) => `${field} ${problem.replace(/\.$/, "")}`).join("; ");
}

/** The `invalidData` outcome for `issues`, its message naming each field and problem. */
export function invalidDataOutcome(issues: ValidationIssue[]): InvalidDataOutcome {
  return { kind: "invalidData", message: `Invalid input: ${summary(issues)}.`, delivered: false, issues };
}

/** Where a setup error keeps its issues: a key of this module's own, not enumerable. */
const ISSUES = Symbol("issues");

/**
 * The checked value, or the `TypeError` a setup function (`createEceClient`,
 * `createWebhookHandler`, `createRedisTokenStore`, `createFakeEce`) throws for unusable options:
 * its message names each field and its problem, never a value.
 */
export function checkedOrThrow<T>(setup: string, checked: Checked<T>): T {
  if (checked.ok) return checked.value;
  const error = new TypeError(`${setup}: ${summary(checked.error)}.`);
  // Not enumerable: a printed error shows its message once, not the issues again.
  Object.defineProperty(error, ISSUES, { value: checked.error });
  throw error;
}

/** The issues of an error {@link checkedOrThrow} threw (the CLI names its variables by them); `undefined` for any other. */
export function setupIssuesOf(error: unknown): readonly ValidationIssue[] | undefined {
  return error instanceof TypeError ? (error as { [ISSUES]?: ValidationIssue[] })[ISSUES] : undefined;
}

/** Checks the options (the argument `name`) of `setup` with `read`: their checked value, or a `TypeError` naming every problem. */
export function checkOptions<T>(setup: string, options: unknown, read: (fields: Fields) => T, name = "options"): T {
  return checkedOrThrow(setup, checkObject(options, read, name));
}
