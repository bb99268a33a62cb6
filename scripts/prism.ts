/**
 * The Prism launcher for the contract tests, the demo and `npm run mock`: starts a Prism mock of
 * this repository's spec on a free loopback port, and helpers that ask Prism for the example of
 * each message's own type. Dev tooling: `ece-messaging mock --prism` spawns Prism's own command
 * (src/cli/mock.ts). Prism's own Node process is spawned directly (not through npx or a shell),
 * so stopping it frees the port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createConnection, createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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

const MAX_LOG_CHARS = 200_000;

/** A running Prism mock. */
export interface PrismServer {
  /** Root URL of the mock: the spec's paths hang directly under it (it plays the API root). */
  url: string;
  port: number;
  /** The Prism process's ID. */
  pid: number | undefined;
  /** What Prism printed so far. */
  log(): string;
  /** Stops Prism and waits until its process has exited. */
  stop(): Promise<void>;
  /** Resolves when Prism's process has exited, for whatever reason. */
  exited: Promise<void>;
}

/** Options of {@link startPrism}. */
export interface PrismOptions {
  /** The spec to mock (default: this repository's, {@link specPath}). */
  spec?: string;
  /** Turn a spec example that breaks its own schema into a 500 (default true). */
  errors?: boolean;
  /** The port (default: a free one). */
  port?: number;
  /** How long Prism may take to listen (default 30 s). */
  startupTimeoutMs?: number;
  /** Called with Prism's log if it exits before {@link PrismServer.stop} was called. */
  onUnexpectedExit?: (log: string, code: number | null, signal: string | null) => void;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolvePort(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once("error", () => resolveConnect(false));
  });
}

/** Prism's command-line entry (`@stoplight/prism-cli` is a devDependency). */
function prismCli(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");
}

function whenExited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once("exit", () => resolveExit()));
}

/** Starts `prism mock` on the spec and resolves once it accepts connections. */
export async function startPrism(options: PrismOptions = {}): Promise<PrismServer> {
  const { errors = true, startupTimeoutMs = 30_000 } = options;
  const spec = options.spec ?? specPath;
  const port = options.port ?? (await freePort());
  const args = [prismCli(), "mock", spec, "--host", "127.0.0.1", "--port", String(port)];
  if (errors) args.push("--errors");
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], cwd: dirname(dirname(spec)) });
  let log = "";
  const append = (chunk: Buffer): void => {
    log = (log + chunk.toString("utf8")).slice(-MAX_LOG_CHARS);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  let stopping = false;
  let listening = false;
  const exited = whenExited(child);
  child.once("exit", (code, signal) => {
    if (!stopping && listening) options.onUnexpectedExit?.(log, code, signal);
  });

  const stop = async (): Promise<void> => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const started = Date.now();
  for (;;) {
    if (spawnError) throw new Error(`Prism could not be started: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Prism exited (${child.exitCode ?? child.signalCode}) before listening. Its log:\n${log}`);
    }
    if (await canConnect(port)) {
      listening = true;
      break;
    }
    if (Date.now() - started > startupTimeoutMs) {
      await stop();
      throw new Error(`Prism did not listen on port ${port} within ${startupTimeoutMs} ms. Its log:\n${log}`);
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  return { url: `http://127.0.0.1:${port}`, port, pid: child.pid, log: () => log, stop, exited };
}
