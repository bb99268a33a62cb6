import { defineConfig } from "tsup";
import type { BuildOptions } from "esbuild";

// The runtime dependencies (openapi-fetch, fast-xml-parser) are installed beside us, not bundled.
const external = ["openapi-fetch", "fast-xml-parser"];

// The testing entry's CommonJS file loads node:http on demand with require(), never import(): a
// CommonJS-only loader (Jest's, without --experimental-vm-modules) refuses import() in a
// CommonJS file.
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
    // (the capped body reader, wire readers, redaction) are small enough to carry twice.
    entry: { index: "src/index.ts", webhooks: "src/webhooks.ts", redis: "src/redis.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    platform: "neutral",
    external,
    treeshake: true,
    splitting: false,
    // Not minified (with source maps): a stack trace from dist/ reads like the source, with the
    // source's names (esbuild renames only locals that would collide). An app's own bundler
    // minifies, if it wants to: bench/README.md measures that bundle. No keepNames: it would add
    // a __name() call per function that survives the app's minifier (about 1.1 KB gzipped).
    minify: false,
  },
  {
    // `ece-messaging/testing`: the fake ECE, built on its own so that nothing of it can reach the
    // root entry's files (no shared chunk). It imports no package; `node:http` only inside
    // `listen()` (a dynamic import), so `fake.fetch` runs wherever `fetch` does. Not minified:
    // its stack traces show up in users' failing tests.
    entry: { testing: "src/testing.ts" },
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
