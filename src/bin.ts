/**
 * The `ece-messaging` command (see src/cli.ts): runs the CLI on this process's arguments and
 * environment, prints what it printed, and exits with its status.
 *
 * @module
 */
import { runCli } from "./cli.js";

const result = await runCli(process.argv.slice(2), process.env);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
