import { defineConfig } from "tsup";

// The runtime dependencies (openapi-fetch, fast-xml-parser) are installed beside us, not bundled.
const external = ["openapi-fetch", "fast-xml-parser"];

export default defineConfig([
  {
    // The library: ESM and CommonJS, with type declarations for both.
    // `ece-messaging/redis`: the Redis token store (it imports neither Redis client).
    entry: { index: "src/index.ts", redis: "src/redis.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    platform: "neutral",
    external,
    treeshake: true,
    // No shared chunk: importing the root loads dist/index.js alone, the redis entry only itself.
    splitting: false,
    // Minified (with source maps): the entry is what every integration loads; see bench/README.md.
    minify: true,
  },
  {
    // The `ece-messaging` command.
    entry: { cli: "src/bin.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    external,
    banner: { js: "#!/usr/bin/env node" },
  },
]);
