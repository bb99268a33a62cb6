/**
 * Starts one Prism mock of the spec (with --errors, so an example that breaks its own schema
 * fails the suite) for the contract tests, and stops it after them.
 */
import type { TestProject } from "vitest/node";
import { startPrism } from "../../scripts/prism.js";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prism = await startPrism({
    errors: true,
    onUnexpectedExit: (log, code, signal) => {
      process.stderr.write(`\nPrism exited during the tests (code ${code}, signal ${signal}). Its log:\n${log}\n`);
    },
  });
  project.provide("prismUrl", prism.url);
  return () => prism.stop();
}
