/**
 * The fleet project needs a real redis-server (the Debian package `redis-server`). Without one
 * the project is skipped with one loud line, or, on CI (CI=true), the run fails: CI must test it.
 * `ECE_FLEET=skip` skips it on purpose (the Node 24 run of CI: these tests run once per CI run).
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The redis-server binary, or "" when there is none (the fleet tests are skipped). */
    redisServer: string;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export default function setup(project: TestProject): void {
  if (process.env.ECE_FLEET === "skip") {
    // scripts/test-node24: the fleet tests run once per CI run, on Node 20.
    console.warn("\n!!! SKIPPED: the fleet tests (test/fleet/) - ECE_FLEET=skip (they run once, in the Node 20 run).\n");
    project.provide("redisServer", "");
    return;
  }
  const binary = process.env.REDIS_SERVER ?? findOnPath("redis-server");
  if (binary === undefined) {
    const message = "redis-server not found: install the Debian package redis-server (apt-get install -y redis-server) to run the fleet tests";
    if (process.env.CI === "true") throw new Error(`${message}; on CI they must run.`);
    console.warn(`\n!!! SKIPPED: the fleet tests (test/fleet/) - ${message}.\n`);
  }
  project.provide("redisServer", binary ?? "");
}
