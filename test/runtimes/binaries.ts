/**
 * Where the Bun and Deno binaries are: in the platform packages their npm packages
 * (devDependencies) install. Their postinstall scripts, which would move the binary into the
 * main package, do not run (allowScripts), so the binary is taken from the platform package
 * itself - or from the main package when a postinstall did run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The platform packages that hold each binary, by `${process.platform}-${process.arch}`. */
const platformPackages: Record<"bun" | "deno", Record<string, { name: string; binary: string }[]>> = {
  bun: {
    "linux-x64": [
      { name: "@oven/bun-linux-x64", binary: "bin/bun" },
      { name: "@oven/bun-linux-x64-baseline", binary: "bin/bun" },
    ],
    "linux-arm64": [{ name: "@oven/bun-linux-aarch64", binary: "bin/bun" }],
    "darwin-arm64": [{ name: "@oven/bun-darwin-aarch64", binary: "bin/bun" }],
    "darwin-x64": [{ name: "@oven/bun-darwin-x64", binary: "bin/bun" }],
  },
  deno: {
    "linux-x64": [{ name: "@deno/linux-x64-glibc", binary: "deno" }],
    "linux-arm64": [{ name: "@deno/linux-arm64-glibc", binary: "deno" }],
    "darwin-arm64": [{ name: "@deno/darwin-arm64", binary: "deno" }],
    "darwin-x64": [{ name: "@deno/darwin-x64", binary: "deno" }],
  },
};

function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** Whether `path` is an executable that answers `--version` (not a placeholder script). */
function works(path: string): boolean {
  if (!existsSync(path) || statSync(path).size < 1_000_000) return false;
  return spawnSync(path, ["--version"], { encoding: "utf8", timeout: 60_000 }).status === 0;
}

/**
 * The path of a working `bun` or `deno` binary. Throws, saying what is missing and why, when
 * there is none: the devDependencies hold one for this platform, so none means a broken install.
 */
export function runtimeBinary(runtime: "bun" | "deno"): string {
  const platform = `${process.platform}-${process.arch}`;
  const candidates = (platformPackages[runtime][platform] ?? []).flatMap(({ name, binary }) => {
    const dir = packageDir(name);
    return dir ? [join(dir, binary)] : [];
  });
  const main = packageDir(runtime);
  if (main) candidates.push(join(main, runtime === "bun" ? "bin/bun.exe" : "deno")); // where a postinstall puts it
  const found = candidates.find(works);
  if (found) return found;
  throw new Error(
    `No working ${runtime} binary for ${platform}: looked in ${candidates.join(", ") || "no installed platform package"}. ` +
      `The devDependency "${runtime}" installs it from its platform package (npm ci); ` +
      `a platform without one needs a row in test/runtimes/binaries.ts.`,
  );
}
