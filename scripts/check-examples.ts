/**
 * Checks the documentation's code: each entry function (an export of an entry point that is a
 * function) and each method of the client (EceClient) carries one `@example`, and
 * every `@example` in src/ and every ```ts block of the README and of guides/ type-checks against
 * the SDK as users import it ("ece-messaging", "ece-messaging/webhooks", "ece-messaging/testing",
 * "ece-messaging/redis"). A block may import
 * examples/proxy-fetch.ts as "./proxy-fetch.js", as an app that copied the file does.
 * Part of the test command; exits 1 on a missing example or a type error.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { projectRoot } from "./prism.js";

interface Example {
  /** Where it comes from, for messages. */
  origin: string;
  code: string;
}

const problems: string[] = [];
const examples: Example[] = [];
const fence = /```ts\n([\s\S]*?)```/g;

function examplesIn(text: string, origin: string): Example[] {
  return [...text.matchAll(fence)].map((match, i) => ({ origin: `${origin}#${i + 1}`, code: match[1]! }));
}

function exampleTags(node: ts.Node): string[] {
  return ts
    .getJSDocTags(node)
    .filter((tag) => tag.tagName.text === "example")
    .map((tag) => ts.getTextOfJSDocComment(tag.comment) ?? "");
}

// The package's entry points, as users import them, and their sources.
const entries: Record<string, string> = {
  "ece-messaging": "src/index.ts",
  "ece-messaging/webhooks": "src/webhooks.ts",
  "ece-messaging/testing": "src/testing.ts",
  "ece-messaging/redis": "src/redis.ts",
};
/** The interface whose methods each need an @example: the client's. */
const clientInterface = "EceClient";

// 1. Each entry function and client method has an @example; collect every example in src/.
const entryFiles = Object.values(entries).map((path) => join(projectRoot, path));
const program = ts.createProgram(entryFiles, { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, strict: true });
const checker = program.getTypeChecker();
const seen = new Set<ts.Declaration>();
for (const exported of entryFiles.flatMap((entry) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!))) {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  for (const declaration of symbol.declarations ?? []) {
    if (seen.has(declaration)) continue; // exported by more than one entry
    seen.add(declaration);
    const where = `${relative(projectRoot, declaration.getSourceFile().fileName)}: ${exported.name}`;
    if (ts.isFunctionDeclaration(declaration)) {
      const tags = exampleTags(declaration);
      if (tags.length === 0) problems.push(`${where} is an entry function without an @example`);
      tags.forEach((tag) => examples.push(...examplesIn(tag, where)));
    }
    if (ts.isInterfaceDeclaration(declaration)) {
      exampleTags(declaration).forEach((tag) => examples.push(...examplesIn(tag, where)));
      for (const member of declaration.members) {
        if (!ts.isMethodSignature(member)) continue;
        const name = `${where}.${member.name.getText()}`;
        const tags = exampleTags(member);
        if (exported.name === clientInterface && tags.length === 0) problems.push(`${name} is a client method without an @example`);
        tags.forEach((tag) => examples.push(...examplesIn(tag, name)));
      }
    }
  }
}

// 2. The TypeScript blocks of the README and of the guides; the testing example is the file
//    `npm test` runs, verbatim.
const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
examples.push(...examplesIn(readme, "README.md"));
for (const name of readdirSync(join(projectRoot, "guides")).filter((file) => file.endsWith(".md")).sort()) {
  examples.push(...examplesIn(readFileSync(join(projectRoot, "guides", name), "utf8"), `guides/${name}`));
}
const testingExample = "examples/testing-your-integration.test.ts";
const testingGuide = readFileSync(join(projectRoot, "guides", "testing-your-integration.md"), "utf8");
if (!testingGuide.includes(`\`\`\`ts\n${readFileSync(join(projectRoot, testingExample), "utf8")}\`\`\``)) {
  problems.push(`guides/testing-your-integration.md's example is not ${testingExample} verbatim`);
}

// 3. Type-check each as its own module that imports the package's entries (mapped to src/).
const dir = join(projectRoot, ".tmp", "examples");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
// Self-contained (it imports only undici): the guides' blocks import it as the user's copy.
copyFileSync(join(projectRoot, "examples", "proxy-fetch.ts"), join(dir, "proxy-fetch.ts"));
const files = examples.map((example, i) => {
  const file = join(dir, `example-${String(i + 1).padStart(3, "0")}.ts`);
  writeFileSync(file, `// ${example.origin}\n${example.code}\nexport {};\n`);
  return file;
});
const options: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: ["node"],
  typeRoots: [join(projectRoot, "node_modules", "@types")],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  // Absolute paths and no baseUrl: with baseUrl at the root, "redis" would resolve to the
  // package's own redis/ stub instead of the redis package the examples import.
  paths: Object.fromEntries(Object.entries(entries).map(([specifier, path]) => [specifier, [join(projectRoot, path)]])),
};
const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram(files, options)).filter((d) => !d.file || files.includes(d.file.fileName));
for (const diagnostic of diagnostics) {
  const origin = diagnostic.file ? diagnostic.file.text.split("\n", 1)[0]!.slice(3) : "";
  const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : 0;
  problems.push(`${origin} (line ${line}): ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${examples.length} examples type-check; every entry function and client method has one.`);
