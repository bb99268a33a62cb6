/**
 * README.md, followed as a new user follows it (issue 22 item 2): the packed tarball put where the
 * Install section's first block makes it, the section's second block run verbatim in a new folder
 * (npm init, `npm install` of the tarball, tsx, TypeScript and @types/node from the registry), the
 * quick start taken from the README (not a copy) and run with the app's tsx against the app's own
 * `ece-messaging mock` - and with nothing listening - then every TypeScript sample of the README
 * type-checked by the app's TypeScript (the major the README names) under node16 and bundler.
 * Needs `bash scripts/build` first (the test command does it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, projectRoot } from "../../scripts/prism.js";

const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
const { version } = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string };

/** The text of the README's `## title` section, up to the next `## ` heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README has no "## ${title}"`).toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The contents of each ```lang fenced block in `text`. */
const blocks = (text: string, lang: string) => [...text.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```$", "gm"))].map((m) => m[1]!);

/** A new user's shell: none of the npm_* variables or the clone's node_modules/.bin that `npm test` adds. */
const userEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_") || name === "npm_config_cache"));
userEnv.PATH = (process.env.PATH ?? "").split(delimiter).filter((dir) => !dir.includes("node_modules")).join(delimiter);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` to its end (no shell), with a generous timeout. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], timeout: 150_000 });
    const out = { stdout: "", stderr: "" };
    child.stdout.on("data", (chunk: Buffer) => (out.stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (out.stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, ...out }));
  });
}

let tmp: string;
let app: string;
let mock: ChildProcess | undefined;
const quickstart = blocks(section("Quick start"), "ts")[0]!;
/** The block that runs it: the mock in the background, the exports, `npx tsx ...  # what it prints`. */
const quickstartRun = blocks(section("Quick start"), "sh")[0]!;
const [, tsxCommand, tsxPrints] = /^(npx tsx \S+)\s+#\s*(.*)$/m.exec(quickstartRun) ?? [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "ece-readme-"));
  const [cloneBlock, appBlock] = blocks(section("Install"), "sh");
  // The first block builds the tarball in a clone; the package packs itself to the same place.
  const tarball = /release\/(ece-messaging-\S+\.tgz)/.exec(cloneBlock!)?.[1];
  expect(tarball, "the README names the tarball of package.json's version").toBe(`ece-messaging-${version}.tgz`);
  const release = join(tmp, "ece-messaging", "release");
  mkdirSync(release, { recursive: true });
  const packed = await run("bash", [join(projectRoot, "scripts", "release-pack"), "--skip-build", release], projectRoot);
  expect(packed.code, packed.stderr).toBe(0);
  expect(basename(packed.stdout.trim().split("\n").at(-1)!)).toBe(tarball);
  writeFileSync(join(tmp, "install.sh"), `set -euo pipefail\n${appBlock}`);
  const installed = await run("bash", ["install.sh"], tmp);
  expect(installed.code, installed.stdout + installed.stderr).toBe(0);
  app = join(tmp, /^mkdir (\S+)/m.exec(appBlock!)![1]!);
  writeFileSync(join(app, /Save this as `(\S+)`/.exec(section("Quick start"))![1]!), quickstart);
});

afterAll(() => {
  if (mock?.exitCode === null && mock.signalCode === null) process.kill(mock.pid!, "SIGKILL");
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The environment the README's run block exports, with the mock's port in ECE_BASE_URL. */
function exported(port: number): NodeJS.ProcessEnv {
  const line = /^export (.*)$/m.exec(quickstartRun)![1]!;
  const env: NodeJS.ProcessEnv = Object.fromEntries(line.trim().split(/\s+/).map((pair) => pair.split("=", 2)));
  expect(Object.keys(env).sort()).toEqual(["ECE_BASE_URL", "ECE_CLIENT_KEY", "ECE_CLIENT_SECRET"]);
  const url = new URL(env.ECE_BASE_URL!);
  url.port = String(port);
  return { ...userEnv, ...env, ECE_BASE_URL: url.origin };
}

/** The README's `npx tsx ...` line, run in the app. */
function runQuickstart(port: number): Promise<Ran> {
  expect(tsxCommand, "the README runs the quick start with `npx tsx <file>  # <what it prints>`").toBeDefined();
  const [npx, ...args] = tsxCommand!.split(" ");
  return run(npx!, args, app, exported(port));
}

describe("README.md, followed in a new app", () => {
  let port: number;

  it("installs the TypeScript major the README names", () => {
    expect(readme).toContain("TypeScript **5.x**");
    const typescript = JSON.parse(readFileSync(join(app, "node_modules", "typescript", "package.json"), "utf8")) as { version: string };
    expect(typescript.version).toMatch(/^5\./);
  });

  it("the quick start prints the success kind against the app's own `ece-messaging mock`", async () => {
    expect(quickstartRun).toMatch(/^npx ece-messaging mock &/m);
    port = await freePort();
    mock = spawn(join(app, "node_modules", ".bin", "ece-messaging"), ["mock", "--port", String(port)], { cwd: app, env: userEnv, stdio: ["ignore", "pipe", "inherit"] });
    let printed = "";
    await new Promise<void>((resolve, reject) => {
      mock!.stdout!.on("data", (chunk: Buffer) => {
        printed += chunk.toString("utf8");
        if (printed.includes("listening")) resolve();
      });
      mock!.once("exit", (code) => reject(new Error(`the mock exited (${code}) before listening:\n${printed}`)));
    });
    // The README's address is where `npx ece-messaging mock` (no --port) listens; the test only
    // moves it to a free port.
    const help = await run(join(app, "node_modules", ".bin", "ece-messaging"), ["mock", "--help"], app, userEnv);
    const defaultPort = /the port \(default (\d+)/.exec(help.stdout)?.[1];
    expect(new URL(/ECE_BASE_URL=(\S+)/.exec(quickstartRun)![1]!).port).toBe(defaultPort);
    const { code, stdout, stderr } = await runQuickstart(port);
    expect({ code, stdout: stdout.trim() }, stderr).toEqual({ code: 0, stdout: tsxPrints });
    expect(tsxPrints).toBe("sent: sendMessageSuccess");
  });

  it("with the mock stopped, the quick start prints the failure kind and `delivered: false`, and exits non-zero", async () => {
    const exited = new Promise((resolve) => mock!.once("exit", resolve));
    process.kill(mock!.pid!, "SIGTERM");
    await exited;
    const { code, stdout, stderr } = await runQuickstart(port);
    expect(code, stdout + stderr).not.toBe(0);
    expect(stdout.trim()).toMatch(/^(?!sendMessageSuccess)[a-zA-Z]+ .* delivered: false$/);
  });

  it.each([
    ["node16", "node16"],
    ["preserve", "bundler"],
  ])("every TypeScript sample type-checks with the app's TypeScript (module %s, moduleResolution %s)", async (module, resolution) => {
    const files = blocks(readme, "ts").map((code, i) => {
      const file = code === quickstart ? "quickstart.ts" : `readme-sample-${i}.ts`;
      writeFileSync(join(app, file), code);
      return file;
    });
    expect(files.length).toBeGreaterThanOrEqual(2);
    const tsc = join(app, "node_modules", "typescript", "bin", "tsc");
    // es2022: top-level await needs es2017+ (node16 implies es2022; TypeScript 5's default is es5).
    const options = ["--noEmit", "--strict", "--types", "node", "--target", "es2022", "--module", module, "--moduleResolution", resolution, "--pretty", "false"];
    const { code, stdout, stderr } = await run(process.execPath, [tsc, ...options, ...files], app);
    expect({ code, output: (stdout + stderr).trim() }).toEqual({ code: 0, output: "" });
  });
});
