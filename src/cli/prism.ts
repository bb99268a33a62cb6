/**
 * Starts a Prism mock of the spec on a free loopback port: for `ece-messaging mock --prism`, and
 * (through scripts/prism.ts) the contract tests, the demo and `npm run mock`. Prism's own Node
 * process is spawned directly (not through npx or a shell), so stopping it frees the port.
 * `@stoplight/prism-cli` is an optional peer dependency: it is resolved from where this module
 * is installed, and {@link prismCliPath} says `undefined` when it is not there.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createConnection, createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
  /** The spec to mock (default: the spec shipped beside this module, see {@link shippedSpecPath}). */
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

/**
 * The package's spec (`spec/ece-messaging.yaml`): found by walking up from this module, which
 * is `src/cli/` in the repository and bundled into `dist/` in the package.
 */
function shippedSpecPath(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(directory, "spec", "ece-messaging.yaml");
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  throw new Error("spec/ece-messaging.yaml was not found beside the ece-messaging package.");
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

/** Prism's command-line entry, or `undefined` when `@stoplight/prism-cli` is not installed. */
export function prismCliPath(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");
  } catch {
    return undefined;
  }
}

function whenExited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once("exit", () => resolveExit()));
}

/** Starts `prism mock` on the spec and resolves once it accepts connections. */
export async function startPrism(options: PrismOptions = {}): Promise<PrismServer> {
  const { errors = true, startupTimeoutMs = 30_000 } = options;
  const cli = prismCliPath();
  if (cli === undefined) throw new Error("@stoplight/prism-cli is not installed.");
  const spec = options.spec ?? shippedSpecPath();
  const port = options.port ?? (await freePort());
  const args = [cli, "mock", spec, "--host", "127.0.0.1", "--port", String(port)];
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
