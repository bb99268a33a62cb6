/**
 * The `ece-messaging` command (see src/cli/cli.ts): runs the CLI on this process's arguments,
 * environment and output, and exits with its status.
 *
 * @module
 */
import { runCli } from "./cli/cli.js";

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
