/**
 * What each built entry loads, as Node loads it (a module-resolution hook for `import`, and
 * `require.cache` for `require`): the root entry never loads a Redis client, and neither does
 * `ece-messaging/redis` (it is handed a connected client). Both Redis clients are installed here
 * (devDependencies), so an import of either would show. Needs `npm run build` first.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";

let dir: string;

beforeAll(() => {
  if (!existsSync(join(projectRoot, "dist", "redis.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before the package tests (npm test does).");
  }
  dir = mkdtempSync(join(tmpdir(), "ece-entry-graph-"));
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + "\\n");
  return resolved;
}
`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module";
register(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)}, { data: { log: process.env.GRAPH_LOG } });
`,
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The package (or `ece-messaging` file) of each module a load brought in. */
function loaded(specifier: string, how: "import" | "require"): string[] {
  const log = join(dir, `${how}-${specifier.replace(/\W/g, "_")}.log`);
  writeFileSync(log, "");
  // Run from the project root: "ece-messaging" resolves to the built package by its own exports.
  if (how === "import") {
    const register = pathToFileURL(join(dir, "register.mjs")).href;
    execFileSync(process.execPath, ["--import", register, "--input-type=module", "-e", `await import(${JSON.stringify(specifier)});`], {
      cwd: projectRoot,
      env: { ...process.env, GRAPH_LOG: log },
    });
  } else {
    const script = `require(${JSON.stringify(specifier)}); require("node:fs").writeFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join("\\n"));`;
    execFileSync(process.execPath, ["-e", script], { cwd: projectRoot });
  }
  const files = readFileSync(log, "utf8").split("\n").filter((line) => line !== "" && !line.startsWith("node:"));
  return [
    ...new Set(
      files.map((file) => {
        const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
        return inModules ? inModules[1]! : file.replace(pathToFileURL(projectRoot).href, "").replace(projectRoot, "");
      }),
    ),
  ].sort();
}

describe("the module graph of each built entry", () => {
  it.each(["import", "require"] as const)("ece-messaging (%s) loads no Redis client and not the redis entry", (how) => {
    const modules = loaded("ece-messaging", how);
    expect(modules).toContain("openapi-fetch");
    expect(modules.filter((m) => /redis/i.test(m))).toEqual([]);
  });

  it.each(["import", "require"] as const)("ece-messaging/redis (%s) loads itself alone: no Redis client, not the root entry", (how) => {
    const modules = loaded("ece-messaging/redis", how);
    const ext = how === "import" ? "js" : "cjs";
    expect(modules).toEqual([`/dist/redis.${ext}`]);
  });
});
