// The canvas as the children load it: train.ts and its relative imports bundled by the parent
// into one JavaScript module in the run's scratch directory. The children run no TypeScript
// compiler (tsx needs a child process, which the sandbox forbids) and see no workspace. The
// canvas's @autoresearch/* and @tensorflow/* imports are pinned to the exact files the harness
// itself loads, so the canvas and the harness share one tf; other bare imports stay as written
// (node builtins; anything else fails to load, as the workspace has no node_modules).
import { readFileSync, realpathSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { pathToFileURL } from "node:url"
import { build, type Plugin } from "esbuild"
import { packageDir } from "./package-dir.js"

type Exports = string | { readonly [key: string]: Exports }
const importTarget = (entry: Exports | undefined): string | undefined =>
  typeof entry === "string" ? entry : entry === undefined ? undefined : importTarget(entry["import"] ?? entry["default"])

/** The file the harness at `harness` gets for `specifier` (ESM, "import" condition). */
export const resolveLikeHarness = (harness: string, specifier: string): string | undefined => {
  const [scope, name, ...rest] = specifier.split("/")
  const dir = packageDir(harness, `${scope}/${name}`)
  if (dir === undefined) return undefined
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports?: Record<string, Exports> }
  if (pkg.exports !== undefined) {
    const target = importTarget(pkg.exports[rest.length > 0 ? `./${rest.join("/")}` : "."])
    return target === undefined ? undefined : realpathSync(join(dir, target))
  }
  try {
    return realpathSync(createRequire(join(dir, "package.json")).resolve(rest.length > 0 ? `${dir}/${rest.join("/")}` : dir))
  } catch {
    return undefined
  }
}

const pinSdkImports = (harness: string): Plugin => ({
  name: "pin-sdk-imports",
  setup: (b) => {
    b.onResolve({ filter: /^@(autoresearch|tensorflow)\// }, (args) => {
      const file = resolveLikeHarness(harness, args.path)
      return file === undefined
        ? { errors: [{ text: `cannot import ${args.path}: the SDK provides no such module` }] }
        : { path: pathToFileURL(file).href, external: true }
    })
  }
})

/** Bundles the canvas into `outfile`; returns the compiler's errors, one per line, or undefined. */
export const bundleCanvas = async (canvas: string, outfile: string, harness: string): Promise<string | undefined> => {
  try {
    await build({
      entryPoints: [canvas],
      absWorkingDir: dirname(canvas), // errors name the canvas as the agent knows it: train.ts:3:14
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      plugins: [pinSdkImports(harness)],
      sourcemap: "inline",
      logLevel: "silent",
      outfile
    })
    return undefined
  } catch (error) {
    const errors = (error as { errors?: ReadonlyArray<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors
    return errors && errors.length > 0
      ? errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text)).join("\n")
      : (error as Error).message
  }
}
