import { defineConfig } from "vitest/config";

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
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          globalSetup: ["test/contract/prism.global-setup.ts"],
          testTimeout: 20_000,
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
