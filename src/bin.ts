/**
 * The `ece-messaging` command (see src/cli.ts): runs the CLI on this process's arguments and
 * environment, prints what it printed, and exits with its status. `mock` (src/cli/mock.ts) is a
 * server that runs until it is stopped, so it is dispatched here rather than through `runCli`.
 *
 * @module
 */
import { runCli } from "./cli/cli.js";

const [command, ...rest] = process.argv.slice(2);
if (command === "mock") {
  const { runMock } = await import("./cli/mock.js");
  process.exitCode = await runMock(rest, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
} else {
  const result = await runCli(process.argv.slice(2), process.env);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
