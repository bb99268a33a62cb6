/**
 * The packed package, as a user gets it: `npm pack` is installed into an empty consumer project,
 * which then uses it through `import`, `require`, and TypeScript with Node16 (ESM and CJS) and
 * Bundler resolution. Needs `npm run build` first (the test command does it).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
let consumer: string;
let packedFiles: string[];

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs the project's TypeScript on a consumer config; the output lists any error. */
function typecheck(config: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], { cwd: consumer, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const usage = (moduleSyntax: "esm" | "cjs") => `
${moduleSyntax === "esm" ? 'import { createEceClient, isSuccess, DEFAULT_API_ROOT } from "ece-messaging";' : 'const { createEceClient, isSuccess, DEFAULT_API_ROOT } = require("ece-messaging");'}
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

beforeAll(() => {
  if (!existsSync(join(projectRoot, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before the package tests (npm test does).");
  }
  consumer = mkdtempSync(join(tmpdir(), "ece-messaging-consumer-"));
  const [packed] = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", consumer], projectRoot)) as {
    filename: string;
    files: { path: string }[];
  }[];
  packedFiles = packed!.files.map((f) => f.path);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "commonjs" }));
  run(
    npm,
    ["install", `./${packed!.filename}`, "@types/node@20", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    consumer,
  );
  writeFileSync(join(consumer, "esm.mjs"), usage("esm"));
  writeFileSync(join(consumer, "cjs.cjs"), usage("cjs"));
  writeFileSync(join(consumer, "typed.cts"), typedUsage);
  writeFileSync(join(consumer, "typed.mts"), typedUsage);
  writeFileSync(join(consumer, "bundler.ts"), typedUsage);
  const base = { strict: true, noEmit: true, skipLibCheck: false, types: ["node"], target: "ES2022", lib: ["ES2022"] };
  writeFileSync(
    join(consumer, "tsconfig.node16.json"),
    JSON.stringify({ compilerOptions: { ...base, module: "node16", moduleResolution: "node16" }, files: ["typed.cts", "typed.mts"] }),
  );
  writeFileSync(
    join(consumer, "tsconfig.bundler.json"),
    JSON.stringify({ compilerOptions: { ...base, module: "esnext", moduleResolution: "bundler" }, files: ["bundler.ts"] }),
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
  it("ships only dist, spec, README, LICENSE, CHANGELOG, package.json and the redis/ stub for old resolvers", () => {
    const outside = packedFiles.filter(
      (path) => !/^(dist\/|spec\/)/.test(path) && !["README.md", "LICENSE", "CHANGELOG.md", "package.json", "redis/package.json"].includes(path),
    );
    expect(outside).toEqual([]);
    expect(packedFiles).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts"]));
  });

  it("works with import (ESM)", () => {
    expect(JSON.parse(run(process.execPath, ["esm.mjs"], consumer))).toEqual(expected);
  });

  it("works with require (CommonJS)", () => {
    expect(JSON.parse(run(process.execPath, ["cjs.cjs"], consumer))).toEqual(expected);
  });

  it("type-checks with Node16 resolution, from both an ES module and a CommonJS module", () => {
    expect(typecheck("tsconfig.node16.json")).toEqual({ status: 0, output: "" });
  });

  it("type-checks with Bundler resolution", () => {
    expect(typecheck("tsconfig.bundler.json")).toEqual({ status: 0, output: "" });
  });
});
