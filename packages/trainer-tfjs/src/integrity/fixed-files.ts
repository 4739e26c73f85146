// The fixed files a canvas must never change: prepare's code (tokenizer, loader, evaluator), the
// harness's code, and the prepared data caches. Their sha256s are recorded once and checked
// before a run (by the parent), after training (by the harness) and after the run (parent).
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

/**
 * The code files of a package that run: package.json plus src/ when the SDK runs from its
 * TypeScript sources (the monorepo), dist/ when it runs built.
 */
const packageCode = (root: string) => [
  join(root, "package.json"),
  ...filesUnder(join(root, import.meta.url.endsWith(".ts") ? "src" : "dist"))
]

/** Where a dependency of this package is installed (node_modules lookup, as Node does it). */
const dependencyRoot = (from: string, name: string) => {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name)
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate)
    if (dirname(dir) === dir) throw new Error(`${name} is not installed next to ${from}`)
  }
}

/** The fixed code: @autoresearch/prepare and this package (the harness), wherever installed. */
export const fixedCodeFiles = (): string[] => {
  const here = packageRoot(fileURLToPath(import.meta.url))
  return [...packageCode(dependencyRoot(here, "@autoresearch/prepare")), ...packageCode(here)]
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
