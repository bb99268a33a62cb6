/**
 * `ece-messaging mock`: an ECE to point the CLI, a demo or an app at, on this machine.
 *
 * - `ece-messaging mock [--port 4010]` serves the fake ECE of `ece-messaging/testing` over HTTP:
 *   realistic, stateful answers per operation (a conversation must be started before it is sent
 *   into; upload answers an attachment ID; accept describes the file). Any client key and secret
 *   are accepted. Its agent greets each new conversation and offers it a file (so that `accept`
 *   and `reject` have something to act on); the agent's webhook messages are printed, one line
 *   each (`agent <json>`), as is each request (`request <json>`).
 * - `ece-messaging mock --prism [--errors] [--port 4010]` runs Prism's own command (`prism mock`)
 *   on the spec shipped in the package, when `@stoplight/prism-cli` (an optional peer dependency)
 *   is installed; Prism serves the spec's paths at its root.
 *
 * Both print the `ECE_BASE_URL` and `ECE_API_ROOT` to use, then run until SIGINT or SIGTERM.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createFakeEce } from "../testing/fake.js";

/** Where the command writes. */
interface MockIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The default port: Prism's own. */
const DEFAULT_PORT = 4010;
const PRISM_RANGE = "~5.14";
const PRISM_INSTALL_HINT = `ece-messaging mock --prism needs @stoplight/prism-cli (an optional peer dependency; ${PRISM_RANGE}, later versions need Node 22): npm install --save-dev @stoplight/prism-cli@${PRISM_RANGE}`;
const MAX_LOG_CHARS = 200_000;

const help = `Usage: ece-messaging mock [--port ${DEFAULT_PORT}] [--prism [--errors]]

Serves a fake ECE on 127.0.0.1 and prints the ECE_BASE_URL and ECE_API_ROOT to use; runs until
Ctrl-C. Any client key and secret are accepted.

Flags:
  --port N      the port (default ${DEFAULT_PORT}; 0 for a free one)
  --prism       serve a Prism mock of the spec shipped in the package instead (needs
                @stoplight/prism-cli ${PRISM_RANGE}); every answer is the spec's example
  --errors      with --prism: a spec example that breaks its own schema answers 500
  --help        show this help

The fake (without --prism) keeps state: start a conversation before sending into it. Its agent
greets each new conversation and offers a file (accept or reject it by the printed attachment
ID); every request and every message of the agent is printed as a line of JSON.
`;

/** Resolves on the first of SIGINT or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** Runs the command until it is stopped; resolves to its exit status. */
export async function runMock(argv: string[], io: MockIo, stopped: Promise<void> = stopSignal()): Promise<number> {
  let values: { port?: string; prism?: boolean; errors?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: "string" }, prism: { type: "boolean" }, errors: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${help}`);
    return 1;
  }
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.stderr(`--port must be a port number (0-65535), not ${values.port}.\n`);
    return 1;
  }
  if (values.errors && !values.prism) {
    io.stderr("--errors applies to --prism only.\n");
    return 1;
  }
  return values.prism ? runPrism(port, values.errors ?? false, io, stopped) : runFake(port, io, stopped);
}

async function runFake(port: number, io: MockIo, stopped: Promise<void>): Promise<number> {
  const line = (kind: string, value: unknown) => io.stdout(`${kind} ${JSON.stringify(value)}\n`);
  const fake = createFakeEce({
    webhook: {
      // No receiver: the agent's side is printed, as ECE would post it.
      handler: async (request) => {
        line("agent", JSON.parse(await request.text()));
        return new Response(null, { status: 204 });
      },
    },
    onRequest: (record) => {
      line("request", record);
      if (record.operation === "startConversation" && record.status === 200 && record.conversationId !== undefined) {
        void greet(record.conversationId);
      }
    },
  });
  async function greet(conversationId: string): Promise<void> {
    const agent = fake.agent(conversationId);
    try {
      await agent.says("Hello, this is the mock agent. Here is a file for you.");
      await agent.offersAttachment({ fileName: "welcome.pdf", contentType: "application/pdf", size: 48213 });
    } catch {
      // The conversation ended first: nothing to greet.
    }
  }
  let server;
  try {
    server = await fake.listen({ port });
  } catch (error) {
    io.stderr(`ece-messaging mock could not listen on port ${port}: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout(
    `Fake ECE listening (any client key and secret; Ctrl-C to stop). Use:\nECE_BASE_URL=${server.url}\nECE_API_ROOT=${fake.apiRoot}\n`,
  );
  await stopped;
  await server.close();
  return 0;
}

/** Prism's own command (the `prism` bin of `@stoplight/prism-cli`), or `undefined` when it is not installed. */
function prismBin(): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    const manifest = require.resolve("@stoplight/prism-cli/package.json");
    const { bin } = require(manifest) as { bin: string | Record<string, string> };
    return join(dirname(manifest), typeof bin === "string" ? bin : bin.prism!);
  } catch {
    return undefined;
  }
}

/** The package's spec, found by walking up from this module (dist/cli.js, or src/cli/mock.ts). */
function shippedSpecPath(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(directory, "spec", "ece-messaging.yaml");
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  throw new Error("spec/ece-messaging.yaml was not found beside the ece-messaging package.");
}

async function runPrism(port: number, errors: boolean, io: MockIo, stopped: Promise<void>): Promise<number> {
  const bin = prismBin();
  if (bin === undefined) {
    io.stderr(`${PRISM_INSTALL_HINT}\n`);
    return 1;
  }
  const args = [bin, "mock", shippedSpecPath(), "--host", "127.0.0.1", "--port", String(port), ...(errors ? ["--errors"] : [])];
  // Prism's own Node process, spawned directly (not through npx or a shell): stopping it frees the port.
  const prism = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  let url: string | undefined;
  let heard!: (url: string) => void;
  const listening = new Promise<string>((resolve) => (heard = resolve));
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString("utf8")).slice(-MAX_LOG_CHARS);
    // Prism says where it listens (with --port 0, the port it was given).
    url ??= /Prism is listening on (http:\/\/[\d.]+:\d+)/.exec(log)?.[1];
    if (url !== undefined) heard(url);
  };
  prism.stdout.on("data", keep);
  prism.stderr.on("data", keep);
  const exited = new Promise<"exited">((resolve) => {
    prism.once("error", (error) => {
      log += error.message;
      resolve("exited");
    });
    prism.once("exit", () => resolve("exited"));
  });
  const whenStopped = stopped.then(() => "stopped" as const);
  const started = await Promise.race([listening, exited, whenStopped]);
  let ended = started;
  if (started !== "exited" && started !== "stopped") {
    io.stdout(`Prism mock of the spec listening (Ctrl-C to stop). Use:\nECE_BASE_URL=${started}\nECE_API_ROOT=/\n`);
    ended = await Promise.race([exited, whenStopped]);
  }
  if (ended === "exited") {
    io.stderr(`Prism exited. Its log:\n${log}\n`);
    return 1;
  }
  prism.kill("SIGTERM");
  await exited;
  return 0;
}
