/**
 * `ece-messaging mock`: an ECE to point the CLI, a demo or an app at, on this machine.
 *
 * - `ece-messaging mock [--port 4010]` serves the fake ECE of `ece-messaging/testing` over HTTP:
 *   realistic, stateful answers per operation (a conversation must be started before it is sent
 *   into; upload answers an attachment ID; accept describes the file). Any client key and secret
 *   are accepted. Its agent greets each new conversation and offers it a file (so that `accept`
 *   and `reject` have something to act on), announced in one line on stdout with the attachment
 *   ID to accept; with `--verbose`, each request (`request <json>`) and each webhook message of
 *   the agent (`agent <json>`) is a line on stderr.
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
import { createFakeEce } from "../testing/fake.js";

/** What `ece-messaging mock` was asked for (src/cli/cli.ts reads and checks the flags). */
export interface MockOptions {
  port: number;
  prism?: boolean;
  errors?: boolean;
  /** Each request, and each message of the agent, as a line of JSON on stderr. */
  verbose?: boolean;
}

/** Where the CLI writes (the mock: what to use and what the agent did on stdout, its log on stderr). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PRISM_INSTALL_HINT =
  "ece-messaging mock --prism needs @stoplight/prism-cli (an optional peer dependency; ~5.14, later versions need Node 22): npm install --save-dev @stoplight/prism-cli@~5.14";
const MAX_LOG_CHARS = 200_000;
const WELCOME_FILE = { fileName: "welcome.pdf", contentType: "application/pdf", size: 48213 };

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

/** Runs the mock until it is stopped; resolves to its exit status. */
export function runMock(options: MockOptions, io: CliIo, stopped: Promise<void> = stopSignal()): Promise<number> {
  return options.prism ? runPrism(options, io, stopped) : runFake(options, io, stopped);
}

async function runFake({ port, verbose }: MockOptions, io: CliIo, stopped: Promise<void>): Promise<number> {
  const log = (kind: string, value: unknown) => verbose && io.stderr(`${kind} ${JSON.stringify(value)}\n`);
  const fake = createFakeEce({
    webhook: {
      // No receiver: the agent's side is logged, as ECE would post it.
      handler: async (request) => {
        log("agent", JSON.parse(await request.text()));
        return new Response(null, { status: 204 });
      },
    },
    onRequest: (record) => {
      log("request", record);
      const started = record.operation === "startConversation" && record.status === 200;
      if (started && record.conversationId !== undefined) void greet(record.conversationId);
    },
  });
  async function greet(conversationId: string): Promise<void> {
    const agent = fake.agent(conversationId);
    try {
      await agent.says("Hello, this is the mock agent. Here is a file for you.");
      const { attachmentId } = await agent.offersAttachment(WELCOME_FILE);
      io.stdout(
        `The mock agent offered ${WELCOME_FILE.fileName} in conversation ${conversationId}; to accept it: ece-messaging accept --conversation ${conversationId} --attachment ${attachmentId}\n`,
      );
    } catch {
      // The conversation ended first: nothing to greet.
    }
  }
  const server = await fake.listen({ port }).catch((error: Error) => {
    io.stderr(`ece-messaging mock: cannot listen on port ${port} (${error.message}); choose another with --port, or --port 0 for a free one\n`);
  });
  if (server === undefined) return 1;
  io.stdout(`Fake ECE listening (any client key and secret; Ctrl-C to stop). Use:\nECE_BASE_URL=${server.url}\nECE_API_ROOT=${fake.apiRoot}\n`);
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

/**
 * The package's spec: beside dist/ in the package, else two folders up from src/cli/mock.ts in the
 * clone (where neither holds it, Prism's log says so).
 */
function shippedSpecPath(): string {
  const inPackage = fileURLToPath(new URL("../spec/ece-messaging.yaml", import.meta.url));
  return existsSync(inPackage) ? inPackage : fileURLToPath(new URL("../../spec/ece-messaging.yaml", import.meta.url));
}

async function runPrism({ port, errors }: MockOptions, io: CliIo, stopped: Promise<void>): Promise<number> {
  const bin = prismBin();
  if (bin === undefined) {
    io.stderr(`${PRISM_INSTALL_HINT}\n`);
    return 1;
  }
  const args = [bin, "mock", shippedSpecPath(), "--host", "127.0.0.1", "--port", String(port), ...(errors ? ["--errors"] : [])];
  // Prism's own Node process, spawned directly (not through npx or a shell): stopping it frees the port.
  const prism = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const listening = new Promise<string>((resolve) => {
    const keep = (chunk: Buffer): void => {
      log = (log + chunk.toString("utf8")).slice(-MAX_LOG_CHARS);
      // Prism says where it listens (with --port 0, the port it was given).
      const url = /Prism is listening on (http:\/\/[\d.]+:\d+)/.exec(log)?.[1];
      if (url !== undefined) resolve(url);
    };
    prism.stdout.on("data", keep);
    prism.stderr.on("data", keep);
  });
  void listening.then((url) => io.stdout(`Prism mock of the spec listening (Ctrl-C to stop). Use:\nECE_BASE_URL=${url}\nECE_API_ROOT=/\n`));
  const exited = new Promise<"exited">((resolve) => {
    prism.once("error", (error) => {
      log += error.message;
      resolve("exited");
    });
    prism.once("exit", () => resolve("exited"));
  });
  if ((await Promise.race([exited, stopped])) === "exited") {
    io.stderr(`Prism exited. Its log:\n${log}\n`);
    return 1;
  }
  prism.kill("SIGTERM");
  await exited;
  return 0;
}
