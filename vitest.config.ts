import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The package's entries, as users import them, mapped to the sources (for examples/). */
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/wire/**/*.test.ts", "test/webhooks/**/*.test.ts"],
          typecheck: {
            enabled: true,
            include: ["test/**/*.test-d.ts"],
            tsconfig: "./tsconfig.json",
          },
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "hardening",
          include: ["test/hardening/**/*.test.ts"],
          // Some tests bound times (a timeout plus slack for a loaded machine): one file at a time.
          fileParallelism: false,
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: "proxy",
          // The recipe in examples/proxy-fetch.ts: a CONNECT proxy and an HTTPS stub on loopback.
          include: ["test/proxy/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          globalSetup: ["test/contract/prism.global-setup.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          // ece-messaging/testing: the fake against the spec, the SDK's matrix through it, the
          // mock command (dist/cli.js: the test command builds first).
          name: "testing",
          include: ["test/testing/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        // examples/*.test.ts: the README's examples, importing "ece-messaging" as users do.
        resolve: {
          alias: [
            { find: /^ece-messaging\/testing$/, replacement: source("./src/testing.ts") },
            { find: /^ece-messaging\/webhooks$/, replacement: source("./src/webhooks.ts") },
            { find: /^ece-messaging$/, replacement: source("./src/index.ts") },
          ],
        },
        test: {
          name: "examples",
          include: ["examples/**/*.test.ts"],
        },
      },
      {
        test: {
          // The packed package under Bun, Deno and edge-runtime: slow, run once by `npm test`
          // (not under load: scripts/test-under-load runs only unit and hardening).
          name: "runtimes",
          include: ["test/runtimes/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          // The TypeDoc site built and driven in headless Chromium: slow, run once (not under load).
          name: "docs",
          include: ["test/docs/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // Child processes on a real redis-server: once per CI run, never under load.
          name: "fleet",
          include: ["test/fleet/**/*.test.ts"],
          globalSetup: ["test/fleet/redis.global-setup.ts"],
          fileParallelism: false,
          // After the other projects, not beside them: its processes would load the machine
          // while their tests (some bounding times) run.
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "package",
          include: ["test/package/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
