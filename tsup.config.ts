import { defineConfig } from "tsup";
import type { BuildOptions, Plugin } from "esbuild";

// The runtime dependencies (openapi-fetch, fast-xml-parser) are installed beside us, not bundled.
const external = ["openapi-fetch", "fast-xml-parser"];

// The fleet's token source (src/token-store.ts) is built as a file of its own, which the root
// loads with `import("./token-store.js")` only when a client is given a `tokenStore`: keep that
// import pointing at the built file of the same format instead of inlining it.
const tokenStoreOnDemand: Plugin = {
  name: "token-store-on-demand",
  setup(build) {
    // tsup builds both formats as ESM (and converts after tree-shaking): the format shows in the
    // output file's extension.
    const file = `./token-store${build.initialOptions.outExtension?.[".js"] ?? ".js"}`;
    build.onResolve({ filter: /^\.\/token-store\.js$/ }, (args) =>
      args.kind === "dynamic-import" ? { path: file, external: true } : undefined,
    );
  },
};

// CommonJS files load on demand with require(), never import(): a CommonJS-only loader (Jest's,
// without --experimental-vm-modules) refuses import() in a CommonJS file.
const requireInCommonJs = (options: BuildOptions, { format }: { format: string }) => {
  if (format === "cjs") options.supported = { ...options.supported, "dynamic-import": false };
};

export default defineConfig([
  {
    // The library, one file per entry: `ece-messaging` (the client), `ece-messaging/webhooks`
    // (the receiver, the only one that loads fast-xml-parser) and `ece-messaging/redis` (the
    // Redis token store, which imports neither Redis client). ESM and CommonJS, with type
    // declarations for both. No shared chunks: each entry is one self-contained file, so that
    // importing the root loads exactly dist/index.js (and openapi-fetch); the few helpers both use
    // (the capped body reader, wire readers, redaction) are small enough to carry twice. Beside
    // them, token-store.js: not an entry of the package, but the file a client with a
    // `tokenStore` loads on demand (see tokenStoreOnDemand).
    entry: { index: "src/index.ts", webhooks: "src/webhooks/index.ts", redis: "src/redis.ts", "token-store": "src/token-store.ts" },
    format: ["esm", "cjs"],
    // Types for the package's entries only: nobody imports token-store.js by name.
    dts: { entry: { index: "src/index.ts", webhooks: "src/webhooks/index.ts", redis: "src/redis.ts" } },
    clean: true,
    sourcemap: true,
    target: "node20",
    platform: "neutral",
    external,
    treeshake: true,
    splitting: false,
    // Minified (with source maps): the entry is what every integration loads; see bench/README.md.
    minify: true,
    esbuildPlugins: [tokenStoreOnDemand],
    esbuildOptions: requireInCommonJs,
  },
  {
    // `ece-messaging/testing`: the fake ECE, built on its own so that nothing of it can reach the
    // root entry's files (no shared chunk). It imports no package; `node:http` only inside
    // `listen()` (a dynamic import), so `fake.fetch` runs wherever `fetch` does. Not minified:
    // its stack traces show up in users' failing tests.
    entry: { testing: "src/testing/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
    platform: "neutral",
    external: [/^node:/],
    removeNodeProtocol: false,
    treeshake: true,
    esbuildOptions: requireInCommonJs,
  },
  {
    // The `ece-messaging` command.
    entry: { cli: "src/bin.ts" },
    format: ["esm"],
    // One file: `mock` (loaded on demand) is inlined rather than split into a chunk.
    splitting: false,
    target: "node20",
    platform: "node",
    external,
    banner: { js: "#!/usr/bin/env node" },
  },
]);
