/**
 * `ece-messaging`: try a conversation from a terminal. One command per operation; the outcome is
 * printed as JSON; exit 0 on a success kind, 1 otherwise. Credentials and the server come from
 * the environment only (never flags) and are never printed.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { createEceClient, DEFAULT_API_ROOT, DEFAULT_TIMEOUT_MS, type EceClient } from "../client/client.js";
import type { Outcome, ValidationIssue } from "../outcomes/outcomes.js";
import { isSuccess } from "../outcomes/status-table.js";
import { invalidDataOutcome, setupIssuesOf } from "../internal/check.js";

type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

interface Command {
  summary: string;
  /** Flag name -> what it is (whether it is required, or may be repeated). */
  flags: Record<string, { description: string; required?: boolean; multiple?: boolean }>;
  run(client: EceClient, values: Record<string, string | undefined>, timeoutMs: number | undefined): Promise<Outcome>;
}

const conversation = { description: "ID of the ongoing conversation", required: true };

/** text and html: a conversation and a message, for one of the two message methods. */
function messageCommand(method: "sendTextMessage" | "sendHtmlMessage", what: string): Command {
  return {
    summary: `Send ${what} message (${method}).`,
    flags: { conversation, message: { description: "the content", required: true } },
    run: (c, v, timeoutMs) => c[method]({ conversationId: v.conversation!, message: v.message! }, { timeoutMs }),
  };
}

/** accept and reject: a conversation and the agent's attachment. */
function decisionCommand(method: "acceptAttachment" | "rejectAttachment", verb: string): Command {
  return {
    summary: `${verb} the attachment the agent offered (${method}).`,
    flags: { conversation, attachment: { description: "ID of the attachment", required: true } },
    run: (c, v, timeoutMs) => c[method]({ conversationId: v.conversation!, attachmentId: v.attachment! }, { timeoutMs }),
  };
}

/** `name=value` flags as custom attributes (a name given twice holds both values). */
function attributesOf(pairs: string[]): Record<string, string[]> | undefined {
  if (pairs.length === 0) return undefined;
  // No prototype: a name such as __proto__ or toString is an attribute like any other.
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    const [name, value] = equals < 0 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
    (attributes[name] ??= []).push(value);
  }
  return attributes;
}

/** Each command, named after its operation, with flags named after the operation's input. */
const commands: Record<string, Command> = {
  config: {
    summary: "Read an entry point's configuration (getEntryPointConfiguration).",
    flags: { "entry-point": { description: "ID of the entry point, e.g. 1001", required: true } },
    run: (c, v, timeoutMs) => c.getEntryPointConfiguration({ entryPointId: v["entry-point"]! }, { timeoutMs }),
  },
  start: {
    summary: "Start a conversation for a customer on an entry point (startConversation).",
    flags: {
      "entry-point": { description: "ID of the entry point, e.g. 1001", required: true },
      email: { description: "the customer's email address (or --social-type and --social-id)" },
      "social-type": { description: "a social contact's type, e.g. instagram (with --social-id)" },
      "social-id": { description: "the customer's ID there (with --social-type)" },
      "first-name": { description: "the customer's first name" },
      "last-name": { description: "the customer's last name" },
      subject: { description: "the chat's subject (at most 255 characters)" },
      attribute: { description: "a custom attribute as name=value; repeat for more", multiple: true },
    },
    run: (c, v, timeoutMs) => {
      const attributes = attributesOf((v.attribute as unknown as string[] | undefined) ?? []);
      const text = (flag: string) => (v[flag] === undefined ? {} : { [flag.replace(/-(.)/g, (_m, c: string) => c.toUpperCase())]: v[flag] });
      const social = v["social-type"] === undefined && v["social-id"] === undefined ? {} : { social: { type: v["social-type"]!, id: v["social-id"]! } };
      return c.startConversation(
        {
          entryPointId: v["entry-point"]!,
          customer: { ...text("first-name"), ...text("last-name"), ...text("email"), ...social },
          ...text("subject"),
          ...(attributes === undefined ? {} : { customAttributes: attributes }),
        },
        { timeoutMs },
      );
    },
  },
  text: messageCommand("sendTextMessage", "a plain-text"),
  html: messageCommand("sendHtmlMessage", "an HTML"),
  accept: decisionCommand("acceptAttachment", "Accept"),
  reject: decisionCommand("rejectAttachment", "Reject"),
  upload: {
    summary: "Share a file that lives at a URL (uploadAttachmentFromUrl).",
    flags: {
      conversation,
      "file-name": { description: "the file's name, e.g. invoice.pdf", required: true },
      "content-type": { description: "its media type, e.g. application/pdf", required: true },
      "file-size": { description: "its size in bytes", required: true },
      "content-url": { description: "where ECE downloads it (http or https)", required: true },
    },
    run: (c, v, timeoutMs) =>
      c.uploadAttachmentFromUrl(
        {
          conversationId: v.conversation!,
          fileName: v["file-name"]!,
          contentType: v["content-type"]!,
          fileSize: numberOrText(v["file-size"]) as number,
          contentUrl: v["content-url"]!,
        },
        { timeoutMs },
      ),
  },
  geolocation: {
    summary: "Share a location (sendGeolocation): a coordinate, a URL or an address.",
    flags: {
      conversation,
      latitude: { description: "degrees north (with --longitude)" },
      longitude: { description: "degrees east (with --latitude)" },
      label: { description: "a name for the place" },
      "location-url": { description: "a link to the place" },
      address: { description: "the place's address" },
    },
    run: (c, v, timeoutMs) =>
      c.sendGeolocation(
        {
          conversationId: v.conversation!,
          ...(v.latitude === undefined ? {} : { latitude: numberOrText(v.latitude)! }),
          ...(v.longitude === undefined ? {} : { longitude: numberOrText(v.longitude)! }),
          ...(v.label === undefined ? {} : { label: v.label }),
          ...(v["location-url"] === undefined ? {} : { locationUrl: v["location-url"] }),
          ...(v.address === undefined ? {} : { address: v.address }),
        },
        { timeoutMs },
      ),
  },
};

const environment = `Environment (never flags, never printed):
  ECE_BASE_URL       scheme, host and port of the ECE server, e.g. https://ece.example.com (required)
  ECE_CLIENT_KEY     client key of the registered client application (required)
  ECE_CLIENT_SECRET  its client secret (required)
  ECE_API_ROOT       API root (default ${DEFAULT_API_ROOT})
  ECE_FORCE_LOGIN    "yes" to end an older session of the application instead of failing
  ECE_LOG            error, warn, info or debug: log the client's events at that level to stderr`;

const exitCodes = `Exit status:
  0  a success outcome
  1  a failure outcome from ECE or the network (the JSON says which)
  2  bad usage or input: unknown command or flag, a missing or invalid flag or variable`;

/** The package's version, read beside the built (or source) file. */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function mainHelp(): string {
  const list = Object.entries(commands)
    .map(([name, command]) => `  ${name.padEnd(12)} ${command.summary}`)
    .join("\n");
  return `Usage: ece-messaging <command> [flags]
       ece-messaging --version | --help

Starts a Cisco ECE chat, sends one message into it, or reads an entry point's configuration,
and prints the outcome as JSON.

Commands:
${list}
  mock         Serve a fake ECE (or, with --prism, a Prism mock of the spec) on this machine.

Run "ece-messaging <command> --help" for a command's flags.

${exitCodes}

${environment}
`;
}

function commandHelp(name: string, command: Command): string {
  const all: [string, string][] = [
    ...Object.entries(command.flags).map(([flag, { description, required }]): [string, string] => [
      flag,
      `${description}${required ? " (required)" : ""}`,
    ]),
    ["timeout-ms", `time allowed, in milliseconds (default ${DEFAULT_TIMEOUT_MS})`],
    ["verbose", "log every request and event to stderr (never a secret or message content)"],
    ["help", "show this help"],
  ];
  const flags = all.map(([flag, description]) => `  --${flag.padEnd(15)}  ${description}`).join("\n");
  return `Usage: ece-messaging ${name} [flags]

${command.summary}

Flags:
${flags}

${exitCodes}

${environment}
`;
}

/** A flag's text as a number when it is one (the SDK then checks its range), else as given. */
function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(value) && Number.isFinite(number) ? number : value;
}

/** The flag (or variable) a field of the SDK's input stands for, so that problems name it. */
function flagOf(field: string): string {
  const named: Record<string, string> = {
    conversationId: "--conversation",
    attachmentId: "--attachment",
    entryPointId: "--entry-point",
    customer: "--email or --social-type with --social-id",
    "customer.email": "--email",
    "customer.firstName": "--first-name",
    "customer.lastName": "--last-name",
    "customer.social.type": "--social-type",
    "customer.social.id": "--social-id",
    input: "flags",
  };
  if (Object.hasOwn(named, field)) return named[field]!;
  if (field.startsWith("customAttributes.")) return `--attribute ${field.slice("customAttributes.".length)}=`;
  const name = field.replace(/^options\./, "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `--${name}`;
}

/** The environment variable a client option comes from. */
const variableOf: Record<string, string> = {
  baseUrl: "ECE_BASE_URL",
  apiRoot: "ECE_API_ROOT",
  "credentials.clientKey": "ECE_CLIENT_KEY",
  "credentials.clientSecret": "ECE_CLIENT_SECRET",
};

/**
 * `--flag -5`: node's parseArgs takes "-5" for a flag and calls it ambiguous; a negative number
 * after a flag that takes a value is that flag's value.
 */
function joinNegativeValues(args: string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const flag = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : undefined;
    if (flag && options[flag]?.type === "string" && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** What a run printed and its exit status; `runCli` is pure apart from the network call. */
interface CliResult {
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with `argv` (without node and script) and `env`; resolves to what it prints and
 * its exit status. The `ece-messaging` binary (src/bin.ts) is this plus process I/O.
 */
export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const print = (value: unknown, exitCode: 0 | 1 | 2): CliResult => ({ exitCode, stdout: `${JSON.stringify(value, null, 2)}\n`, stderr: "" });
  const usage = (issues: ValidationIssue[]): CliResult => print(invalidDataOutcome(issues), 2);
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") return { exitCode: 0, stdout: `${version()}\n`, stderr: "" };
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    return { exitCode: name === undefined ? 2 : 0, stdout: name === undefined ? "" : mainHelp(), stderr: name === undefined ? mainHelp() : "" };
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) return usage([{ field: "command", problem: `"${name}" is not one of ${Object.keys(commands).join(", ")} (see --help)` }]);

  const options: OptionSpec = { help: { type: "boolean", short: "h" }, verbose: { type: "boolean" }, "timeout-ms": { type: "string" } };
  for (const [flag, { multiple }] of Object.entries(command.flags)) options[flag] = { type: "string", multiple: multiple ?? false };
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: joinNegativeValues(rest, options), options, strict: true, allowPositionals: false }));
  } catch (error) {
    return usage([{ field: "flags", problem: `${(error as Error).message.replace(/\.$/, "")} (see ece-messaging ${name} --help)` }]);
  }
  if (values.help) return { exitCode: 0, stdout: commandHelp(name, command), stderr: "" };

  const issues: ValidationIssue[] = [];
  for (const [flag, { required }] of Object.entries(command.flags)) {
    if (required && values[flag] === undefined) issues.push({ field: `--${flag}`, problem: "is required" });
  }
  for (const variable of ["ECE_BASE_URL", "ECE_CLIENT_KEY", "ECE_CLIENT_SECRET"]) {
    if (!env[variable]) issues.push({ field: variable, problem: "is required (set it in the environment)" });
  }
  const timeoutMs = numberOrText(values["timeout-ms"] as string | undefined);
  if (timeoutMs !== undefined && typeof timeoutMs !== "number") issues.push({ field: "--timeout-ms", problem: "must be a number of milliseconds" });
  if (issues.length > 0) return usage(issues);

  const log: string[] = [];
  const toStderr = (line: string) => void log.push(line);
  let client: EceClient;
  try {
    // Every log line goes to stderr, whether --verbose or ECE_LOG turned logging on: stdout holds
    // the outcome alone, so that it parses.
    client = createEceClient({
      baseUrl: env.ECE_BASE_URL!,
      ...(env.ECE_API_ROOT ? { apiRoot: env.ECE_API_ROOT } : {}),
      credentials: { clientKey: env.ECE_CLIENT_KEY!, clientSecret: env.ECE_CLIENT_SECRET! },
      forceLogin: env.ECE_FORCE_LOGIN === "yes",
      logger: { debug: toStderr, info: toStderr, warn: toStderr, error: toStderr },
      ...(values.verbose ? { logLevel: "debug" as const } : {}),
    });
  } catch (error) {
    const issues = setupIssuesOf(error);
    if (issues === undefined) throw error;
    // A bad setting is named by its variable, never with its value.
    return usage(issues.map(({ field, problem }) => ({ field: variableOf[field] ?? field, problem })));
  }
  let outcome: Outcome;
  try {
    outcome = await command.run(client, values as Record<string, string | undefined>, timeoutMs as number | undefined);
  } finally {
    await client.close();
  }
  if (outcome.kind === "invalidData") {
    // The SDK names its input's fields; the CLI's user typed flags.
    outcome = invalidDataOutcome(outcome.issues.map(({ field, problem }) => ({ field: flagOf(field), problem })));
  }
  const exitCode = isSuccess(outcome) ? 0 : outcome.kind === "invalidData" ? 2 : 1;
  // --verbose or ECE_LOG: the client's events, one line each, after the run (close's revoke included).
  return { ...print(outcome, exitCode), stderr: log.map((line) => `${line}\n`).join("") };
}
