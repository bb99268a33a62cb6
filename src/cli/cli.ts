/**
 * `ece-messaging`: try a conversation from a terminal. One command per operation, from one table
 * (help, flag reading, input building, "did you mean" and the naming of refused fields all derive
 * from it). A command prints its outcome as JSON on stdout and exits 0 on a success kind, 1 on a
 * failure, 2 on input the SDK refused; what the CLI itself cannot take is a usage error: one line
 * each on stderr, exit 2, stdout empty. Credentials and the server come from the environment only
 * (never flags) and are never printed.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { createEceClient, DEFAULT_API_ROOT, DEFAULT_TIMEOUT_MS, type EceClient } from "../client/client.js";
import { operationDefinitions, type CallOptions } from "../client/operations.js";
import type { ChatOperationName, Outcome, OutcomeByOperation } from "../outcomes/outcomes.js";
import { isSuccess } from "../outcomes/status-table.js";
import { invalidDataOutcome, setupIssuesOf } from "../internal/check.js";
import type { CliIo, MockOptions } from "./mock.js";

/** The environment variables the CLI reads (see the help's "Environment"). */
type Environment = Record<string, string | undefined>;

/** A flag's value: text as typed, a number the CLI read, `true` for a switch, or every `name=value`. */
type Values = Record<string, string | number | boolean | string[] | undefined>;

interface Flag {
  description: string;
  /** Text (the default) goes to the SDK as typed; a number is read by the CLI; a switch takes no value; pairs (`name=value`) repeat. */
  type?: "number" | "switch" | "pairs";
  required?: boolean;
  /** The operation's input field it fills, as a dotted path. */
  field?: string;
}

interface CommandBase {
  summary: string;
  flags: Record<string, Flag>;
}
/** A command that calls one client method and prints its outcome. */
interface OperationCommand extends CommandBase {
  method: keyof OutcomeByOperation;
  /** Its outcome never holds an ID, so it takes no `--id`. */
  noId?: true;
}
/** A command that runs until it is stopped (`mock`). */
interface ServerCommand extends CommandBase {
  /** More than the summary, for its --help. */
  about: string;
  /** Problems of values that read well but do not go together. */
  check(values: Values): string[];
  serve(values: Values, io: CliIo): Promise<number>;
}
type Command = OperationCommand | ServerCommand;

const conversation: Flag = { description: "ID of the ongoing conversation", required: true, field: "conversationId" };
const entryPoint: Flag = { description: "ID of the entry point, e.g. 1001", required: true, field: "entryPointId" };
const message: Flag = { description: "the content", required: true, field: "message" };
const attachment: Flag = { description: "ID of the attachment the agent offered", required: true, field: "attachmentId" };
const MOCK_PORT = 4010;

/** A read of the chat web service: it takes no token, so ECE_BASE_URL is all it needs. */
const chatCommand = (summary: string, method: ChatOperationName): OperationCommand => ({
  summary: `${summary} (needs only ECE_BASE_URL).`,
  method,
  flags: { "entry-point": entryPoint },
  noId: true,
});

/** Each command, named after its operation, with flags named after the operation's input. */
const commands: Record<string, Command> = {
  availability: chatCommand("Ask whether an agent can take a chat on an entry point", "getAgentAvailability"),
  capacity: chatCommand("Ask how many more chats an entry point's agents can take", "getAgentCapacity"),
  eligibility: chatCommand("Ask whether a new chat can start on an entry point now", "checkEligibility"),
  config: { summary: "Read an entry point's configuration.", method: "getEntryPointConfiguration", flags: { "entry-point": entryPoint } },
  conversation: { summary: "Read a conversation back (ECE documents it for completed ones).", method: "getConversation", flags: { conversation } },
  start: {
    summary: "Start a conversation for a customer on an entry point.",
    method: "startConversation",
    flags: {
      "entry-point": entryPoint,
      email: { description: "the customer's email address (or --social-type and --social-id)", field: "customer.email" },
      "social-type": { description: "a social contact's type, e.g. instagram (with --social-id)", field: "customer.social.type" },
      "social-id": { description: "the customer's ID there (with --social-type)", field: "customer.social.id" },
      "first-name": { description: "the customer's first name", field: "customer.firstName" },
      "last-name": { description: "the customer's last name", field: "customer.lastName" },
      subject: { description: "the chat's subject (at most 255 characters)", field: "subject" },
      attribute: { description: "a custom attribute as name=value; repeat for more", type: "pairs", field: "customAttributes" },
    },
  },
  text: { summary: "Send a plain-text message.", method: "sendTextMessage", flags: { conversation, message } },
  html: { summary: "Send an HTML message.", method: "sendHtmlMessage", flags: { conversation, message } },
  accept: { summary: "Accept the attachment the agent offered.", method: "acceptAttachment", flags: { conversation, attachment } },
  reject: { summary: "Reject the attachment the agent offered.", method: "rejectAttachment", flags: { conversation, attachment } },
  upload: {
    summary: "Share a file that lives at a URL.",
    method: "uploadAttachmentFromUrl",
    flags: {
      conversation,
      "file-name": { description: "the file's name, e.g. invoice.pdf", required: true, field: "fileName" },
      "content-type": { description: "its media type, e.g. application/pdf", required: true, field: "contentType" },
      "file-size": { description: "its size in bytes", required: true, type: "number", field: "fileSize" },
      "content-url": { description: "where ECE downloads it (http or https)", required: true, field: "contentUrl" },
    },
  },
  geolocation: {
    summary: "Share a location: a coordinate, a URL or an address.",
    method: "sendGeolocation",
    flags: {
      conversation,
      latitude: { description: "degrees north (with --longitude)", field: "latitude" },
      longitude: { description: "degrees east (with --latitude)", field: "longitude" },
      label: { description: "a name for the place", field: "label" },
      "location-url": { description: "a link to the place", field: "locationUrl" },
      address: { description: "the place's address", field: "address" },
    },
  },
  mock: {
    summary: "Serve a fake ECE on this machine (or, with --prism, a Prism mock of the spec).",
    about: `Serves a fake ECE on 127.0.0.1 and prints the ECE_BASE_URL and ECE_API_ROOT to use; runs until
Ctrl-C. Any client key and secret are accepted. The fake keeps state: start a conversation before
sending into it. Its agent greets each new conversation and offers it a file, announced in one
line on stdout with the attachment ID to accept. Exit status: 0 once stopped, 1 when it cannot
serve (a port in use, Prism missing or exited), 2 on bad usage.`,
    flags: {
      port: { description: `the port (default ${MOCK_PORT}; 0 for a free one)`, type: "number" },
      prism: { description: "serve a Prism mock of the shipped spec instead (needs @stoplight/prism-cli)", type: "switch" },
      errors: { description: "with --prism: a spec example that breaks its own schema answers 500", type: "switch" },
      verbose: { description: "print each request, and each message of the agent, as a line of JSON on stderr", type: "switch" },
    },
    check: ({ port = MOCK_PORT, prism, errors }) => [
      ...(Number.isInteger(port) && Number(port) >= 0 && Number(port) <= 65_535 ? [] : ["--port must be a port number (0-65535)"]),
      ...(errors && !prism ? ["--errors applies to --prism only"] : []),
    ],
    serve: async (values, io) => (await import("./mock.js")).runMock({ port: MOCK_PORT, ...values } as MockOptions, io),
  },
};

/** The flags every operation takes. */
const callFlags: Record<string, Flag> = {
  "timeout-ms": { description: `time allowed, in milliseconds (default ${DEFAULT_TIMEOUT_MS})`, type: "number" },
  id: { description: "print only the outcome's ID, e.g. CONVERSATION=$(ece-messaging start ... --id)", type: "switch" },
  verbose: { description: "log every request and event to stderr (never a secret or message content)", type: "switch" },
};
const help: Flag = { description: "show this help", type: "switch" };

function flagsOf(command: Command): Record<string, Flag> {
  if (!("method" in command)) return { ...command.flags, help };
  const operationFlags = Object.entries(callFlags).filter(([name]) => name !== "id" || !command.noId);
  return { ...command.flags, ...Object.fromEntries(operationFlags), help };
}

const environment = `Environment (never flags, never printed):
  ECE_BASE_URL       scheme, host and port of the ECE server, e.g. https://ece.example.com (required)
  ECE_CLIENT_KEY     client key of the registered client application (required but by
                     availability, capacity and eligibility)
  ECE_CLIENT_SECRET  its client secret (likewise)
  ECE_API_ROOT       API root (default ${DEFAULT_API_ROOT})
  ECE_CHAT_ROOT      the chat web service's root, a path or a URL (default: ECE_API_ROOT with
                     /ws/v19/clientapplications replaced by /egain/chat/entrypoint)
  ECE_FORCE_LOGIN    "yes" to end an older session of the application instead of failing
  ECE_LOG            error, warn, info or debug: log the client's events at that level to stderr`;

const exitCodes = `Exit status:
  0  a success outcome
  1  a failure outcome from ECE or the network (the JSON says which)
  2  bad usage (one line each on stderr) or input the SDK refused (an invalidData outcome)`;

/** The package's version, read beside the built (or source) file. */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function mainHelp(): string {
  const list = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(12)} ${summary}`);
  return `Usage: ece-messaging <command> [flags]
       ece-messaging --version | --help

Asks whether a Cisco ECE entry point can take a chat, starts a chat, sends one message into it,
or reads an entry point's configuration or a conversation, and prints the outcome as JSON. With --id, only the outcome's ID, to hand to the next command:
  CONVERSATION=$(ece-messaging start --entry-point 1001 --email jane@example.com --id)
  ece-messaging text --conversation "$CONVERSATION" --message "Hello"

Commands:
${list.join("\n")}

Run "ece-messaging <command> --help" for a command's flags.

${exitCodes}

${environment}
`;
}

function commandHelp(name: string, command: Command): string {
  const flagLine = ([flag, { description, required }]: [string, Flag]) => `  --${flag.padEnd(15)}  ${description}${required ? " (required)" : ""}`;
  const flags = Object.entries(flagsOf(command)).map(flagLine);
  const about = "method" in command ? `${command.summary} Calls ${command.method}.` : command.about;
  const footer = "method" in command ? `\n\n${exitCodes}\n\n${environment}` : "";
  return `Usage: ece-messaging ${name} [flags]\n\n${about}\n\nFlags:\n${flags.join("\n")}${footer}\n`;
}

/** Levenshtein distance: how many one-character edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** ` (did you mean x?)` for the nearest of `names` within two edits of `typed`, or nothing. */
function didYouMean(typed: string, names: string[], prefix: string): string {
  const near = names.filter((name) => editDistance(typed, name) <= 2);
  const nearest = near.sort((a, b) => editDistance(typed, a) - editDistance(typed, b))[0];
  return nearest === undefined ? "" : ` (did you mean ${prefix}${nearest}?)`;
}

/** A number as typed (`12`, `-5`, `52.37`), or `undefined` for anything else (`12kb`, `1e3`, ``). */
function numberOf(text: string): number | undefined {
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(text.trim()) ? Number(text) : undefined;
}

/**
 * Reads `--name value`, `--name=value` and `-h` against `flags`; each thing it cannot take is a
 * line in `problems`. A value may start with `-` (a negative number), not with `--` (the next flag).
 */
function readFlags(args: string[], flags: Record<string, Flag>, problems: string[]): Values {
  const values: Values = {};
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const nextValue = (): string | undefined => (args[i + 1]?.startsWith("--") ? undefined : args[++i]);
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(args[i] === "-h" ? "--help" : args[i]!);
    if (!match) {
      problems.push(`unexpected argument "${args[i]}" (flags start with --)`);
      continue;
    }
    const [, name = "", inline] = match;
    const flag = Object.hasOwn(flags, name) ? flags[name]! : undefined;
    if (flag === undefined) {
      // Its value is skipped unread, never printed: it may be a secret typed as a flag.
      if (inline === undefined) nextValue();
      problems.push(`unknown flag --${name}${didYouMean(name, Object.keys(flags), "--")}`);
      continue;
    }
    given.add(name);
    if (flag.type === "switch") {
      if (inline === undefined) values[name] = true;
      else problems.push(`--${name} takes no value`);
      continue;
    }
    const value = inline ?? nextValue();
    if (value === undefined) problems.push(`--${name} needs a value`);
    else if (flag.type === "pairs") values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else if (flag.type !== "number") values[name] = value;
    else if (numberOf(value) === undefined) problems.push(`--${name} must be a number, not "${value}"`);
    else values[name] = numberOf(value);
  }
  for (const [name, { required }] of Object.entries(flags)) if (required && !given.has(name)) problems.push(`--${name} is required`);
  return values;
}

/** `name=value` pairs by name (a name given twice holds both values). */
function pairsOf(pairs: string[]): Record<string, string[]> {
  // No prototype: a name such as __proto__ or toString is an attribute like any other.
  const byName = Object.create(null) as Record<string, string[]>;
  for (const pair of pairs) {
    const equals = pair.includes("=") ? pair.indexOf("=") : pair.length;
    (byName[pair.slice(0, equals)] ??= []).push(pair.slice(equals + 1));
  }
  return byName;
}

/** The operation's input, each flag given at its field's path. */
function inputOf(flags: Record<string, Flag>, values: Values): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, { field, type }] of Object.entries(flags)) {
    const value = values[name];
    if (field === undefined || value === undefined) continue;
    const path = field.split(".");
    let parent = input;
    for (const key of path.slice(0, -1)) parent = (parent[key] ??= {}) as Record<string, unknown>;
    parent[path.at(-1)!] = type === "pairs" ? pairsOf(value as string[]) : value;
  }
  return input;
}

/** The flag a field of the SDK's input stands for, so that its problems name what the user typed. */
function flagOf(field: string, flags: Record<string, Flag>): string {
  if (field === "customer") return "--email or --social-type with --social-id";
  if (field === "input") return "flags";
  for (const [name, flag] of Object.entries(flags)) {
    if (flag.field === field) return `--${name}`;
    if (flag.type === "pairs" && field.startsWith(`${flag.field}.`)) return `--${name} ${field.slice(flag.field!.length + 1)}=`;
  }
  return `--${field.replace(/^options\./, "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The variable a client option comes from: `credentials.clientKey` is `ECE_CLIENT_KEY`. */
const variableOf = (option: string): string => `ECE_${option.replace(/^.*\./, "").replace(/[A-Z]/g, "_$&").toUpperCase()}`;

/**
 * A client for `command` from the environment (with credentials unless its operation takes no
 * token), or `undefined` with a line in `problems` per variable it cannot take.
 */
function clientOf(env: Environment, command: OperationCommand, verbose: boolean, io: CliIo, problems: string[]): EceClient | undefined {
  const noCredentials = operationDefinitions[command.method].noToken === true;
  const required = noCredentials ? ["ECE_BASE_URL"] : ["ECE_BASE_URL", "ECE_CLIENT_KEY", "ECE_CLIENT_SECRET"];
  const missing = required.filter((variable) => !env[variable]);
  for (const variable of missing) problems.push(`${variable} is not set (see ece-messaging --help)`);
  if (missing.length > 0) return undefined;
  // Every log line goes to stderr, whether --verbose or ECE_LOG turned logging on: stdout holds the outcome alone.
  const toStderr = (line: string) => io.stderr(`${line}\n`);
  const options = {
    baseUrl: env.ECE_BASE_URL!,
    // An empty variable is an unset one: the option's default.
    apiRoot: env.ECE_API_ROOT || undefined,
    chatRoot: env.ECE_CHAT_ROOT || undefined,
    forceLogin: env.ECE_FORCE_LOGIN === "yes",
    logger: { debug: toStderr, info: toStderr, warn: toStderr, error: toStderr },
    logLevel: verbose ? ("debug" as const) : undefined,
  };
  const credentials = { clientKey: env.ECE_CLIENT_KEY!, clientSecret: env.ECE_CLIENT_SECRET! };
  try {
    return createEceClient(noCredentials ? options : { ...options, credentials });
  } catch (error) {
    const issues = setupIssuesOf(error);
    if (issues === undefined) throw error;
    // A bad setting is named by its variable, never with its value.
    for (const { field, problem } of issues) problems.push(`${variableOf(field)} ${problem}`);
    return undefined;
  }
}

/** The ID `--id` prints: the first of these the outcome has. */
function idOf(outcome: Outcome): string | undefined {
  const fields: Record<string, unknown> = { ...outcome };
  const id = ["conversationId", "attachmentId", "messageId", "entryPointId"].map((field) => fields[field]).find((value) => value !== undefined);
  return id === undefined ? undefined : String(id);
}

/**
 * Runs the CLI with `argv` (without node and script) and `env`, writing to `io`; resolves to its
 * exit status. The `ece-messaging` binary (src/bin.ts) is this on the process's own.
 */
export async function runCli(argv: string[], env: Environment, io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === "--version" || name === "-v") {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(mainHelp());
    return name === undefined ? 2 : 0;
  }
  const usage = (problems: string[]): number => {
    for (const problem of problems) io.stderr(`ece-messaging ${name}: ${problem}\n`);
    return 2;
  };
  const command = Object.hasOwn(commands, name) ? commands[name]! : undefined;
  if (command === undefined) {
    const names = Object.keys(commands);
    return usage([`unknown command${didYouMean(name, names, "")}; the commands are ${names.join(", ")} (see ece-messaging --help)`]);
  }
  const problems: string[] = [];
  const values = readFlags(args, flagsOf(command), problems);
  if (values.help) {
    io.stdout(commandHelp(name, command));
    return 0;
  }
  if (!("method" in command)) {
    problems.push(...command.check(values));
    return problems.length > 0 ? usage(problems) : command.serve(values, io);
  }
  const client = clientOf(env, command, values.verbose === true, io, problems);
  if (client === undefined || problems.length > 0) {
    await client?.close();
    return usage(problems);
  }
  const call = client[command.method] as (input: unknown, options: CallOptions) => Promise<Outcome>;
  let outcome = await call(inputOf(command.flags, values), { timeoutMs: values["timeout-ms"] as number | undefined }).finally(() => client.close());
  if (outcome.kind === "invalidData") {
    // The SDK names its input's fields; the CLI's user typed flags.
    outcome = invalidDataOutcome(outcome.issues.map(({ field, problem }) => ({ field: flagOf(field, command.flags), problem })));
  }
  const exitCode = isSuccess(outcome) ? 0 : outcome.kind === "invalidData" ? 2 : 1;
  const json = `${JSON.stringify(outcome, null, 2)}\n`;
  const id = values.id && exitCode === 0 ? idOf(outcome) : undefined;
  if (!values.id) io.stdout(json);
  else if (id !== undefined) io.stdout(`${id}\n`);
  // Nothing to hand to the next command: stdout stays empty, and the outcome says why.
  else io.stderr(json);
  return exitCode;
}
