// The fixed files a canvas must never change: the code the harness runs (core, prepare, this
// package, the fast kernels with their native `.node` file, by real path) and the prepared data
// caches. Their sha256s are recorded once and checked by the parent before and after each run.
// The sandbox already denies the children every write; this is the layer that still holds
// where the sandbox is unavailable, and that catches an edit made between sessions.
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export type FixedHashes = Readonly<Record<string, string>>

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex")

const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []
      )
    : []

const packageRoot = (fileInside: string) => {
  let dir = dirname(fileInside)
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${fileInside}`)
    dir = up
  }
  return dir
}

/** The code files of a package that may run: package.json, src/, dist/ and native builds. */
const packageCode = (root: string) => [
  join(root, "package.json"),
  ...filesUnder(join(root, "src")),
  ...filesUnder(join(root, "dist")),
  ...filesUnder(join(root, "build", "Release")).filter((f) => f.endsWith(".node"))
]

/** Where a dependency of this package is installed (node_modules lookup, as Node does it). */
const dependencyRoot = (from: string, name: string) => {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name)
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate)
    if (dirname(dir) === dir) throw new Error(`${name} is not installed next to ${from}`)
  }
}

/** The fixed code: this package (the harness) and the SDK packages it runs, wherever installed. */
export const fixedCodeFiles = (): string[] => {
  const here = packageRoot(fileURLToPath(import.meta.url))
  const sdk = ["@autoresearch/core", "@autoresearch/prepare", "@autoresearch/fast-kernels"].flatMap((name) => {
    try {
      return packageCode(dependencyRoot(here, name))
    } catch {
      return [] // fast-kernels is optional
    }
  })
  return [...sdk, ...packageCode(realpathSync(here))]
}

export const hashFiles = (paths: ReadonlyArray<string>): FixedHashes =>
  Object.fromEntries([...new Set(paths)].sort().map((p) => [p, existsSync(p) && statSync(p).isFile() ? sha256(p) : "missing"]))

/** Paths whose content differs from the recorded hash (or that vanished). Empty when intact. */
export const changedFiles = (expected: FixedHashes): string[] =>
  Object.entries(expected)
    .filter(([path, hash]) => (existsSync(path) ? sha256(path) : "missing") !== hash)
    .map(([path]) => path)

export const describeChanged = (changed: ReadonlyArray<string>) =>
  `fixed files changed since they were recorded: ${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ` and ${changed.length - 5} more` : ""}`
