/**
 * The packed package, as a user gets it: `npm pack` is installed into an empty consumer project,
 * which then uses each entry (`ece-messaging`, `ece-messaging/webhooks`, `ece-messaging/testing`)
 * through `import`, `require`, and TypeScript with Node16 (ESM and CJS) and Bundler resolution.
 * The root entry is shown to load no module of fast-xml-parser; the testing entry to add nothing
 * to the root entry, to load no package and no node-only module until `listen()`, and
 * `ece-messaging mock --prism` to print its install hint where Prism is not installed; a setup
 * error to print a short stack into dist/.
 * Needs `npm run build` first (the test command does it).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
/** The Jest a consumer runs the packed package under (installed in the consumer, not here). */
const JEST_VERSION = "29.7.0";
const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
let consumer: string;
let packedFiles: string[];

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
}

/** Runs the project's TypeScript on a consumer config; the output lists any error. */
function typecheck(config: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], { cwd: consumer, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

type ModuleSyntax = "esm" | "cjs";

/** A consumer script's lines taking `bindings` from each module, as an ES or a CommonJS module writes them. */
const take = (moduleSyntax: ModuleSyntax, imports: Record<string, string>) =>
  Object.entries(imports)
    .map(([specifier, bindings]) =>
      moduleSyntax === "esm" ? `import { ${bindings} } from "${specifier}";` : `const { ${bindings} } = require("${specifier}");`,
    )
    .join("\n");

/** An in-memory TokenStore as a consumer script declares it: `entries` holds the shared token and the lock. */
const mapTokenStore = `const entries = new Map();
const store = {
  read: async (key) => entries.get(key),
  write: async (key, token, ttlMs) => void entries.set(key, { token, ttlMs }),
  deleteIf: async (key, token) => entries.get(key)?.token === token && entries.delete(key),
  acquireLock: async (key) => !entries.has(key + ":lock") && Boolean(entries.set(key + ":lock", { token: "lock", ttlMs: 1 })),
  releaseLock: async (key) => void entries.delete(key + ":lock"),
};`;

const usage = (moduleSyntax: ModuleSyntax) => `
${take(moduleSyntax, { "ece-messaging": "createEceClient, isSuccess, DEFAULT_API_ROOT" })}
const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "t" });
ece.sendTextMessage({ conversationId: "", message: "hi" }).then((outcome) => {
  console.log(JSON.stringify({ kind: outcome.kind, issues: outcome.issues, isSuccess: isSuccess(outcome), apiRoot: DEFAULT_API_ROOT }));
});
`;

const typedUsage = `
import { createEceClient, type SendTextMessageOutcome, type EceClientOptions } from "ece-messaging";
const options: EceClientOptions = { baseUrl: "https://ece.example.com", accessToken: "t" };
export async function kindOf(): Promise<SendTextMessageOutcome["kind"]> {
  const outcome = await createEceClient(options).sendTextMessage({ conversationId: "c", message: "m" });
  // @ts-expect-error -- the types are real (not any): "nope" is not a kind
  const wrong: "nope" = outcome.kind;
  void wrong;
  if (outcome.kind === "unauthorized") return outcome.reason === "sessionNotFound" ? outcome.kind : outcome.kind;
  return outcome.kind;
}
`;

// The testing entry: a fake drives the packed client through a 409, a message and an expired
// token, in process (fake.fetch) and over HTTP (listen, which loads node:http only then).
const testingUsage = (moduleSyntax: ModuleSyntax) => `
${take(moduleSyntax, { "ece-messaging": "createEceClient", "ece-messaging/testing": "createFakeEce", "node:fs": "readFileSync" })}
// Whether anything imported node:http so far (testing-hooks.mjs logs each import specifier; Node's
// own fetch loads http internally, so process.moduleLoadList cannot tell).
const httpLoaded = () => readFileSync(process.env.IMPORT_LOG, "utf8").split("\\n").includes("node:http");
(async () => {
  const loadedAtImport = httpLoaded();
  const fake = createFakeEce();
  const credentials = { clientKey: "consumer-key", clientSecret: "Consumer-Secret-9c1d" };
  const ece = createEceClient({ baseUrl: "https://ece.example.com", credentials, fetch: fake.fetch });
  fake.touchEntryPoint(1001);
  const started = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
  fake.expireTokens();
  const sent = await ece.sendTextMessage({ conversationId: started.conversationId, message: "Hello" });
  const loadedBeforeListen = httpLoaded();
  const server = await fake.listen();
  const overHttp = createEceClient({ baseUrl: server.url, credentials });
  const config = await overHttp.getEntryPointConfiguration({ entryPointId: 1001 });
  await overHttp.close();
  await server.close();
  console.log(JSON.stringify({
    started: started.kind,
    sent: sent.kind,
    received: fake.messages(started.conversationId).map((m) => m.input.message),
    statuses: fake.requests().map((r) => r.operation + " " + r.status),
    config: config.kind,
    http: { loadedAtImport, loadedBeforeListen, loadedAfter: httpLoaded() },
  }));
})();
`;

// Logs the specifier of every import (static or dynamic, from ESM or CommonJS) to IMPORT_LOG.
const importHooks = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  appendFileSync(log, specifier + "\\n");
  return next(specifier, context);
}
`;
// ... and of every require() (Node 20's hooks do not see those): CommonJS files load on demand
// with require().
const importHooksRegister = `
import Module, { register } from "node:module";
import { appendFileSync } from "node:fs";
register("./testing-hooks.mjs", import.meta.url, { data: { log: process.env.IMPORT_LOG } });
const load = Module._load;
Module._load = function (request, ...rest) {
  appendFileSync(process.env.IMPORT_LOG, request + "\\n");
  return load.call(this, request, ...rest);
};
`;

/** Runs a consumer script with every import logged; what it printed. */
function runLoggingImports(script: string): string {
  const log = join(consumer, `imports-${script}.log`);
  writeFileSync(log, "");
  return execFileSync(process.execPath, ["--import", "./testing-hooks-register.mjs", script], {
    cwd: consumer,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, IMPORT_LOG: log },
  });
}

// A fleet client: the token ECE issued lands in the store.
const tokenStoreUsage = (moduleSyntax: ModuleSyntax) => `
${take(moduleSyntax, { "ece-messaging": "createEceClient", "ece-messaging/testing": "createFakeEce" })}
${mapTokenStore}
(async () => {
  const fake = createFakeEce();
  const credentials = { clientKey: "consumer-key", clientSecret: "Consumer-Secret-9c1d" };
  const plain = createEceClient({ baseUrl: "https://ece.example.com", credentials, fetch: fake.fetch });
  fake.touchEntryPoint(1001);
  const first = await plain.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
  await plain.close();
  const fleet = createEceClient({ baseUrl: "https://ece.example.com", credentials, fetch: fake.fetch, tokenStore: store });
  const sent = await fleet.sendTextMessage({ conversationId: first.conversationId, message: "Hello" });
  const shared = [...entries.values()].map((entry) => entry.token);
  console.log(JSON.stringify({ sent: sent.kind, sharedIsIssued: shared.length === 1 && fake.requests().some((r) => r.operation === "createAccessToken") }));
})();
`;

// Under Jest's CommonJS loader (no --experimental-vm-modules): a fleet client, and the fake
// serving over HTTP (listen() loads node:http on demand).
const jestUsage = `
const { createEceClient } = require("ece-messaging");
const { createFakeEce } = require("ece-messaging/testing");
${mapTokenStore}
test("a fleet client and the fake's listen() under Jest", async () => {
  const fake = createFakeEce();
  fake.touchEntryPoint(1001);
  const server = await fake.listen();
  const credentials = { clientKey: "consumer-key", clientSecret: "Consumer-Secret-9c1d" };
  const ece = createEceClient({ baseUrl: server.url, credentials, tokenStore: store });
  try {
    const started = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
    expect(started).toMatchObject({ kind: "conversationStarted" });
    expect([...entries.values()].map((entry) => typeof entry.token)).toEqual(["string"]);
  } finally {
    // Also when an expectation failed: an open server would keep Jest from exiting.
    await ece.close();
    await server.close();
  }
});
`;

// The same fleet client as an app a bundler takes whole (no import log: the bundle runs alone).
const fleetBundleUsage = (moduleSyntax: ModuleSyntax) => `
${take(moduleSyntax, { "ece-messaging": "createEceClient", "ece-messaging/testing": "createFakeEce" })}
${mapTokenStore}
(async () => {
  const fake = createFakeEce();
  fake.touchEntryPoint(1001);
  const credentials = { clientKey: "consumer-key", clientSecret: "Consumer-Secret-9c1d" };
  const events = [];
  const ece = createEceClient({ baseUrl: "https://ece.example.com", credentials, fetch: fake.fetch, tokenStore: store, onEvent: (e) => events.push(e) });
  const started = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
  const sent = await ece.sendTextMessage({ conversationId: started.conversationId, message: "Hello" });
  const storeErrors = events.filter((e) => e.type === "tokenStoreError");
  console.log(JSON.stringify({ sent: sent.kind, shared: entries.size, ...(storeErrors.length ? { storeErrors } : {}) }));
})();
`;

const typedTestingUsage = `
import { createEceClient } from "ece-messaging";
import { createFakeEce, type FakeEce, type ReceivedMessage } from "ece-messaging/testing";
export const fake: FakeEce = createFakeEce({ entryPoints: [{ id: 1001, lastModified: 1 }], sessionLimit: 2 });
export const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: fake.issueToken(), fetch: fake.fetch });
export function text(message: ReceivedMessage): string | undefined {
  // @ts-expect-error -- the types are real (not any): "nope" is not an operation
  const wrong: "nope" = message.operation;
  void wrong;
  return message.operation === "sendTextMessage" ? message.input.message : undefined;
}
`;

// The webhooks entry: a handler built from the packed package answers a Fetch API request.
const webhookUsage = (moduleSyntax: ModuleSyntax) => `
${take(moduleSyntax, { "ece-messaging/webhooks": "createWebhookHandler, parseWebhookPayload, toNodeListener" })}
const received = [];
const handle = createWebhookHandler({ authorization: { type: "none" }, onMessages: (messages) => { received.push(...messages); } });
const body = "<messages><message><id>7</id><conversation><id>c-1</id></conversation><type><value>complete</value></type>" +
  "<sender><type>system</type></sender><timeStamp>1624144754000</timeStamp></message></messages>";
handle(new Request("http://localhost/ece", { method: "POST", headers: { "Content-Type": "application/xml" }, body })).then(async (response) => {
  const parsed = parseWebhookPayload('{"message":[]}', "application/json");
  console.log(JSON.stringify({ status: response.status, received: received.map((m) => [m.id, m.type]), parsedOk: parsed.ok, listener: typeof toNodeListener(handle) }));
});
`;

const typedWebhookUsage = `
import { createWebhookHandler, type WebhookMessage, type WebhookHandlerOptions } from "ece-messaging/webhooks";
const options: WebhookHandlerOptions = { authorization: { type: "bearer", token: "t" }, onMessages: (messages) => void describe(messages[0]!) };
export const handle: (request: Request) => Promise<Response> = createWebhookHandler(options);
export function describe(message: WebhookMessage): string {
  // @ts-expect-error -- the types are real (not any): "nope" is not a message type
  const wrong: "nope" = message.type;
  void wrong;
  return message.type === "text/plain" ? message.content : message.conversationId;
}
`;

// Records the URL of every module Node loads, in a file (a load hook, registered with --import).
const graphHooks = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  appendFileSync(log, url + "\\n");
  return next(url, context);
}
`;
const graphRegister = `
import { register } from "node:module";
register("./graph-hooks.mjs", import.meta.url, { data: { log: process.env.GRAPH_LOG } });
`;

/** The packages under node_modules from which importing (or requiring) `specifier` loads a module. */
function packagesLoadedBy(specifier: string, how: "import" | "require"): string[] {
  const log = join(consumer, `graph-${how}-${specifier.replace(/\W/g, "_")}.log`);
  writeFileSync(log, "");
  if (how === "import") {
    run(process.execPath, ["--import", "./graph-register.mjs", "--input-type=module", "-e", `await import(${JSON.stringify(specifier)});`], consumer, { GRAPH_LOG: log });
  } else {
    const script = `require(${JSON.stringify(specifier)}); require("node:fs").writeFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join("\\n"));`;
    run(process.execPath, ["-e", script], consumer);
  }
  const modules = readFileSync(log, "utf8").split("\n").filter(Boolean);
  const packages = modules.flatMap((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []);
  return [...new Set(packages)].sort();
}

beforeAll(() => {
  if (!existsSync(join(projectRoot, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before the package tests (npm test does).");
  }
  consumer = mkdtempSync(join(tmpdir(), "ece-messaging-consumer-"));
  // Exactly the tarball `npm run release:pack` makes for users (built already by the test command).
  const tarball = run("bash", [join(projectRoot, "scripts", "release-pack"), "--skip-build", consumer], projectRoot).trim().split("\n").at(-1)!;
  const packed = { filename: basename(tarball) };
  packedFiles = run("tar", ["-tzf", tarball], consumer)
    .trim()
    .split("\n")
    .map((path) => path.replace(/^package\//, ""));
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "commonjs" }));
  run(
    npm,
    // Jest: the runner many integrators test with; its CommonJS loader refuses import().
    ["install", `./${packed!.filename}`, "@types/node@20", `jest@${JEST_VERSION}`, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    consumer,
  );
  writeFileSync(join(consumer, "esm.mjs"), usage("esm"));
  writeFileSync(join(consumer, "cjs.cjs"), usage("cjs"));
  writeFileSync(join(consumer, "testing-hooks.mjs"), importHooks);
  writeFileSync(join(consumer, "testing-hooks-register.mjs"), importHooksRegister);
  writeFileSync(join(consumer, "testing-esm.mjs"), testingUsage("esm"));
  writeFileSync(join(consumer, "testing-cjs.cjs"), testingUsage("cjs"));
  writeFileSync(join(consumer, "jest.test.js"), jestUsage);
  writeFileSync(join(consumer, "fleet-esm.mjs"), tokenStoreUsage("esm"));
  writeFileSync(join(consumer, "fleet-bundle.mjs"), fleetBundleUsage("esm"));
  writeFileSync(join(consumer, "fleet-bundle.cjs"), fleetBundleUsage("cjs"));
  writeFileSync(join(consumer, "fleet-cjs.cjs"), tokenStoreUsage("cjs"));
  writeFileSync(join(consumer, "typed.cts"), typedUsage);
  writeFileSync(join(consumer, "typed.mts"), typedUsage);
  writeFileSync(join(consumer, "bundler.ts"), typedUsage);
  writeFileSync(join(consumer, "typed-testing.cts"), typedTestingUsage);
  writeFileSync(join(consumer, "typed-testing.mts"), typedTestingUsage);
  writeFileSync(join(consumer, "bundler-testing.ts"), typedTestingUsage);
  writeFileSync(join(consumer, "webhooks-esm.mjs"), webhookUsage("esm"));
  writeFileSync(join(consumer, "webhooks-cjs.cjs"), webhookUsage("cjs"));
  writeFileSync(join(consumer, "webhooks-typed.cts"), typedWebhookUsage);
  writeFileSync(join(consumer, "webhooks-typed.mts"), typedWebhookUsage);
  writeFileSync(join(consumer, "webhooks-bundler.ts"), typedWebhookUsage);
  writeFileSync(join(consumer, "graph-hooks.mjs"), graphHooks);
  writeFileSync(join(consumer, "graph-register.mjs"), graphRegister);
  const base = { strict: true, noEmit: true, skipLibCheck: false, types: ["node"], target: "ES2022", lib: ["ES2022"] };
  const node16 = ["typed.cts", "typed.mts", "typed-testing.cts", "typed-testing.mts", "webhooks-typed.cts", "webhooks-typed.mts"];
  writeFileSync(join(consumer, "tsconfig.node16.json"), JSON.stringify({ compilerOptions: { ...base, module: "node16", moduleResolution: "node16" }, files: node16 }));
  writeFileSync(
    join(consumer, "tsconfig.bundler.json"),
    JSON.stringify({ compilerOptions: { ...base, module: "esnext", moduleResolution: "bundler" }, files: ["bundler.ts", "bundler-testing.ts", "webhooks-bundler.ts"] }),
  );
});

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

const expected = {
  kind: "invalidData",
  issues: [{ field: "conversationId", problem: "must not be empty" }],
  isSuccess: false,
  apiRoot: "/system/ws/v19/clientapplications",
};

describe("the packed package", () => {
  it("ships only dist, spec, README, LICENSE, CHANGELOG, package.json and the entries' stubs for old resolvers", () => {
    const outside = packedFiles.filter(
      (path) =>
        !/^(dist\/|spec\/)/.test(path) &&
        !["README.md", "LICENSE", "CHANGELOG.md", "package.json", "webhooks/package.json", "testing/package.json", "redis/package.json"].includes(path),
    );
    expect(outside).toEqual([]);
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        ...["index", "webhooks", "testing"].flatMap((entry) => [".js", ".cjs", ".d.ts", ".d.cts"].map((ext) => `dist/${entry}${ext}`)),
        "webhooks/package.json",
        "testing/package.json",
        "spec/ece-messaging.yaml",
      ]),
    );
  });

  it("works with import (ESM)", () => {
    expect(JSON.parse(run(process.execPath, ["esm.mjs"], consumer))).toEqual(expected);
  });

  it("works with require (CommonJS)", () => {
    expect(JSON.parse(run(process.execPath, ["cjs.cjs"], consumer))).toEqual(expected);
  });

  it.each(["esm", "cjs"] as const)("a setup error (%s) prints a short stack that points into dist/ by line", (moduleSyntax) => {
    const script = join(consumer, moduleSyntax === "esm" ? "setup-error.mjs" : "setup-error.cjs");
    writeFileSync(script, `${take(moduleSyntax, { "ece-messaging": "createEceClient" })}\ncreateEceClient({});\n`);
    const { status, stderr } = spawnSync(process.execPath, [script], { cwd: consumer, encoding: "utf8" });
    expect(status).toBe(1);
    // Node prints the throwing line of source, then the stack: readable only if dist/ is not
    // minified onto one line (it printed 34 KB of it).
    expect(stderr.length).toBeLessThan(2_000);
    const lines = stderr.split("\n");
    const message = lines.findIndex((line) => line.startsWith("TypeError: "));
    expect(lines[message]).toMatch(/baseUrl/);
    const frame = /^\s+at \S+ \(.*[/\\]dist[/\\]index\.c?js:(\d+):\d+\)$/.exec(lines[message + 1] ?? "");
    expect(frame, stderr).not.toBeNull();
    expect(Number(frame![1])).toBeGreaterThan(1);
    expect(lines.slice(message + 1).join("\n")).toMatch(/^\s+at createEceClient \(/m); // the source's names
  });

  const webhookExpected = { status: 200, received: [["7", "complete"]], parsedOk: true, listener: "function" };

  it("ece-messaging/webhooks works with import (ESM)", () => {
    expect(JSON.parse(run(process.execPath, ["webhooks-esm.mjs"], consumer))).toEqual(webhookExpected);
  });

  it("ece-messaging/webhooks works with require (CommonJS)", () => {
    expect(JSON.parse(run(process.execPath, ["webhooks-cjs.cjs"], consumer))).toEqual(webhookExpected);
  });

  it.each([
    ["import (ESM)", "fleet-esm.mjs"],
    ["require (CommonJS)", "fleet-cjs.cjs"],
  ])("shares the fleet's token with %s", (_syntax, script) => {
    const printed = run(process.execPath, [script], consumer);
    expect(JSON.parse(printed)).toEqual({ sent: "sendMessageSuccess", sharedIsIssued: true });
  });

  it.each([
    ["esm", "fleet-bundle.mjs"],
    ["cjs", "fleet-bundle.cjs"],
  ] as const)("a fleet client bundled by esbuild from the %s build shares its token (the store's code is in the bundle)", (format, script) => {
    const outfile = join(consumer, `bundled-${script}`);
    const esbuild = join(projectRoot, "node_modules", "esbuild", "bin", "esbuild");
    run(process.execPath, [esbuild, script, "--bundle", "--platform=node", `--format=${format}`, `--outfile=${outfile}`, "--log-level=error"], consumer);
    // Run from a directory without node_modules: the bundle must be whole.
    const printed = run(process.execPath, [outfile], tmpdir());
    expect(JSON.parse(printed)).toEqual({ sent: "sendMessageSuccess", shared: 1 });
  });

  it("runs under Jest's CommonJS loader: a fleet client, and the fake's listen()", () => {
    const jest = join(consumer, "node_modules", "jest", "bin", "jest.js");
    const options = { cwd: consumer, encoding: "utf8", timeout: 120_000 } as const;
    const result = spawnSync(process.execPath, [jest, "--ci", "--json", "--rootDir", consumer, "jest.test.js"], options);
    const report = JSON.parse(result.stdout || "{}") as { numPassedTests?: number; numTotalTests?: number };
    expect({ status: result.status, passed: report.numPassedTests, total: report.numTotalTests }, result.stderr).toEqual({ status: 0, passed: 1, total: 1 });
  });

  it("its CommonJS files never use import() (which Jest's CommonJS loader refuses)", () => {
    for (const file of packedFiles.filter((path) => path.endsWith(".cjs"))) {
      expect({ file, imports: readFileSync(join(consumer, "node_modules", "ece-messaging", file), "utf8").match(/\bimport\s*\(/g) }).toEqual({ file, imports: null });
    }
  });

  it("the root entry loads no module of fast-xml-parser (import and require); the webhooks entry does", () => {
    expect(packagesLoadedBy("ece-messaging", "import")).toEqual(["ece-messaging", "openapi-fetch"]);
    expect(packagesLoadedBy("ece-messaging", "require")).toEqual(["ece-messaging", "openapi-fetch"]);
    // The same probe sees the XML parser when it is loaded: the check above can fail.
    expect(packagesLoadedBy("ece-messaging/webhooks", "import")).toEqual(expect.arrayContaining(["ece-messaging", "fast-xml-parser"]));
    expect(packagesLoadedBy("ece-messaging/webhooks", "require")).toEqual(expect.arrayContaining(["ece-messaging", "fast-xml-parser"]));
  });

  it("type-checks with Node16 resolution, from both an ES module and a CommonJS module", () => {
    expect(typecheck("tsconfig.node16.json")).toEqual({ status: 0, output: "" });
  });

  it("type-checks with Bundler resolution", () => {
    expect(typecheck("tsconfig.bundler.json")).toEqual({ status: 0, output: "" });
  });
});

describe("the packed testing entry (ece-messaging/testing)", () => {
  const expectedRun = {
    started: "conversationStarted",
    sent: "sendMessageSuccess",
    received: ["Hello"],
    statuses: [
      "createAccessToken 200",
      "getEntryPointConfiguration 200",
      "startConversation 409",
      "getEntryPointConfiguration 200",
      "startConversation 200",
      "sendTextMessage 401",
      "createAccessToken 200",
      "sendTextMessage 200",
      "createAccessToken 200",
      "getEntryPointConfiguration 200",
      "revokeAccessToken 204",
    ],
    config: "entryPointConfigurationFound",
    http: { loadedAtImport: false, loadedBeforeListen: false, loadedAfter: true },
  };

  it("drives the packed client with import (ESM), loading node:http only for listen()", () => {
    expect(JSON.parse(runLoggingImports("testing-esm.mjs"))).toEqual(expectedRun);
  });

  it("drives the packed client with require (CommonJS), loading node:http only for listen()", () => {
    expect(JSON.parse(runLoggingImports("testing-cjs.cjs"))).toEqual(expectedRun);
  });

  it("loads no package, and only its own file", () => {
    const script = 'require("ece-messaging/testing"); console.log(JSON.stringify(Object.keys(require.cache)));';
    const loaded = JSON.parse(run(process.execPath, ["-e", script], consumer)) as string[];
    expect(loaded.map((path) => path.slice(path.indexOf("node_modules")))).toEqual([join("node_modules", "ece-messaging", "dist", "testing.cjs")]);
    const esm = readFileSync(join(consumer, "node_modules", "ece-messaging", "dist", "testing.js"), "utf8");
    expect(esm.match(/^\s*(import|export)\s.*\sfrom\s+["'].*["']/gm) ?? []).toEqual([]);
    expect(esm.match(/\bimport\(\s*["'][^"']+["']\s*\)/g)).toEqual(["import('node:http')"]);
  });

  it("adds nothing to the root entry: its files neither import nor contain the testing code", () => {
    // fast-xml-parser belongs to ece-messaging/webhooks.
    for (const [file, imports] of [["index.js", ["openapi-fetch"]], ["index.cjs", ["openapi-fetch"]]] as const) {
      const code = readFileSync(join(consumer, "node_modules", "ece-messaging", "dist", file), "utf8");
      const imported = [...code.matchAll(/(?:from\s*|require\(\s*|import\(\s*)["']([^"']+)["']/g)].map((m) => m[1]).sort();
      expect([...new Set(imported)]).toEqual(imports);
      for (const marker of ["createFakeEce", "touchEntryPoint", "failNext", "testing"]) expect(code).not.toContain(marker);
    }
    const pkg = JSON.parse(readFileSync(join(consumer, "node_modules", "ece-messaging", "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["fast-xml-parser", "openapi-fetch"]);
    // Every peer is optional: the testing entry's Prism, the redis entry's clients.
    expect(pkg.peerDependencies).toEqual({ "@stoplight/prism-cli": "~5.14", ioredis: "^5.0.0 || ^6.0.0", redis: "^5.0.0 || ^6.0.0" });
    expect(pkg.peerDependenciesMeta).toEqual({
      "@stoplight/prism-cli": { optional: true },
      ioredis: { optional: true },
      redis: { optional: true },
    });
  });

  it("ece-messaging mock --prism prints a one-line install hint where Prism is not installed", () => {
    expect(existsSync(join(consumer, "node_modules", "@stoplight", "prism-cli"))).toBe(false); // an optional peer: not installed
    const result = spawnSync(process.execPath, [join(consumer, "node_modules", "ece-messaging", "dist", "cli.js"), "mock", "--prism"], {
      cwd: consumer,
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/npm install --save-dev @stoplight\/prism-cli@~5\.14/);
  });
});
