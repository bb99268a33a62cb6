import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  platform: "neutral",
  // The runtime dependencies (openapi-fetch, fast-xml-parser) are installed beside us, not bundled.
  external: ["openapi-fetch", "fast-xml-parser"],
  treeshake: true,
});
