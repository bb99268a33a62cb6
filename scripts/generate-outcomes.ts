/**
 * Writes the outcome tables from their one source, docs-src/outcome-kinds.ts: the TSDoc table
 * above each operation's union in src/outcomes/outcomes.ts, and the table of every kind between
 * the `outcome-kinds` markers of README.md and guides/handling-outcomes.md.
 * `npm run generate:outcomes`; with `--check` it writes nothing and exits 1 when a file differs
 * (part of the test command).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { footnote, kinds, kindsByOperation, messageOperations, operationLabels, type KindText } from "../docs-src/outcome-kinds.js";
import type { OperationName, OutcomeKind } from "../src/outcomes/outcomes.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const check = process.argv.includes("--check");
const operations = Object.keys(kindsByOperation) as OperationName[];

function row(cells: string[]): string {
  for (const cell of cells) if (cell.includes("|") || cell.includes("\n")) throw new Error(`A table cell holds "|" or a line break: ${cell}`);
  return `| ${cells.join(" | ")} |`;
}

function textOf(kind: OutcomeKind, operation?: OperationName): KindText {
  const { per, ...general } = kinds[kind];
  return { ...general, ...(operation === undefined ? {} : per?.[operation]) };
}

/** The operations a kind comes from, as the README says them. */
function sources(kind: OutcomeKind): string {
  const from = operations.filter((operation) => (kindsByOperation[operation] as readonly string[]).includes(kind));
  if (from.length === operations.length) return "all";
  const lifecycle = from.filter((operation) => !messageOperations.includes(operation));
  const everyMessage = messageOperations.every((operation) => from.includes(operation));
  const labels = (everyMessage ? lifecycle : from).map((operation) => operationLabels[operation]);
  return [...labels, ...(everyMessage ? ["messages"] : [])].join(", ");
}

function operationComment(operation: OperationName): string {
  const lines = [
    `What {@link EceClient.${operation}} resolves to: one of these kinds.`,
    "",
    row(["`kind`", "when", "fields", "what a caller usually does"]),
    "|---|---|---|---|",
    ...kindsByOperation[operation].map((kind) => {
      const { when, fields, action } = textOf(kind, operation);
      return row([`\`${kind}\``, when, fields, action]);
    }),
    "",
    footnote,
  ];
  return `/**\n${lines.map((line) => (line === "" ? " *" : ` * ${line}`)).join("\n")}\n */`;
}

function kindsTable(): string {
  return [
    row(["`kind`", "from", "when", "fields", "what a caller usually does"]),
    "|---|---|---|---|---|",
    ...(Object.keys(kinds) as OutcomeKind[]).map((kind) => {
      const { when, fields, action } = textOf(kind);
      return row([`\`${kind}\``, sources(kind), when, fields, action]);
    }),
    "",
    footnote,
  ].join("\n");
}

/** The file with each operation's union's comment replaced by its generated table. */
function outcomesFile(text: string): string {
  let result = text;
  for (const operation of operations) {
    const union = `${operation[0]!.toUpperCase()}${operation.slice(1)}Outcome`;
    // The doc comment right before the union: no "*/" between its start and the declaration.
    const comment = new RegExp(String.raw`/\*\*(?:(?!\*/)[\s\S])*\*/\nexport type ${union} =`);
    if (!comment.test(result)) throw new Error(`src/outcomes/outcomes.ts: no doc comment right above "export type ${union} ="`);
    result = result.replace(comment, () => `${operationComment(operation)}\nexport type ${union} =`);
  }
  return result;
}

const start = "<!-- outcome-kinds: generated from docs-src/outcome-kinds.ts by `npm run generate:outcomes` -->";
const end = "<!-- /outcome-kinds -->";

/** The Markdown file with its table of kinds between the markers replaced. */
function markdownFile(text: string, path: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${path}: no "${start}" ... "${end}" markers`);
  return `${text.slice(0, from + start.length)}\n${kindsTable()}\n${text.slice(to)}`;
}

const targets: Record<string, (text: string, path: string) => string> = {
  "src/outcomes/outcomes.ts": outcomesFile,
  "README.md": markdownFile,
  "guides/handling-outcomes.md": markdownFile,
};

const stale: string[] = [];
for (const [path, generate] of Object.entries(targets)) {
  const file = join(root, path);
  const text = readFileSync(file, "utf8");
  const fresh = generate(text, path);
  if (fresh === text) continue;
  stale.push(path);
  if (!check) writeFileSync(file, fresh);
}
if (check && stale.length > 0) {
  console.error(`The outcome tables differ from docs-src/outcome-kinds.ts in ${stale.join(", ")}: run npm run generate:outcomes`);
  process.exit(1);
}
console.log(stale.length === 0 ? "The outcome tables are up to date." : `Wrote the outcome tables in ${stale.join(", ")}.`);
