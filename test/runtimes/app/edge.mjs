// edge-runtime (Vercel's Edge Runtime on Node): the app is bundled as an edge function is (one
// script, the package's import conditions), then served by edge-runtime's own server.
import { build } from "esbuild";
import { EdgeRuntime, runServer } from "edge-runtime";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("./edge-entry.mjs", import.meta.url));
const bundle = await build({
  entryPoints: [entry],
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  conditions: ["edge-light", "worker", "browser", "import", "module"],
  target: "es2022",
});
const runtime = new EdgeRuntime({ initialCode: bundle.outputFiles[0].text });
const server = await runServer({ runtime, port: 0, host: "127.0.0.1" });
const pkg = JSON.parse(await (await import("node:fs/promises")).readFile(new URL("./node_modules/edge-runtime/package.json", import.meta.url), "utf8"));
console.log(JSON.stringify({ port: Number(new URL(server.url).port), runtime: `edge-runtime ${pkg.version}` }));
