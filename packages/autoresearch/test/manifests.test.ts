// The packages as an embedder installs them (issue 15, items 1 and 7): `effect` is a peer of
// every package that uses it (one copy of Effect in the user's app, never two), and every
// example's README runs it by its package's real name.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name: string
    dependencies?: Record<string, string>
    peerDependencies?: Record<string, string>
  }
const folders = (parent: string) => readdirSync(join(root, parent)).map((name) => join(root, parent, name)).filter((dir) => existsSync(join(dir, "package.json")))

/** Whether any source file of a package imports from "effect". */
const importsEffect = (dir: string): boolean => {
  const walk = (path: string): boolean =>
    readdirSync(path, { withFileTypes: true }).some((entry) =>
      entry.isDirectory() ? walk(join(path, entry.name)) : /\.ts$/.test(entry.name) && /from "effect"/.test(readFileSync(join(path, entry.name), "utf8"))
    )
  return existsSync(join(dir, "src")) && walk(join(dir, "src"))
}

describe("package manifests", () => {
  it("effect is a peer dependency of every package that imports it, never a plain one", () => {
    const packages = folders("packages").filter(importsEffect)
    expect(packages.length).toBeGreaterThan(5)
    const wrong = packages
      .map(manifest)
      .filter((p) => p.dependencies?.effect !== undefined || p.peerDependencies?.effect === undefined)
      .map((p) => p.name)
    expect(wrong).toEqual([])
  })

  it("every example's README filters by the example's own package name", () => {
    const mismatched = folders("examples").flatMap((dir) => {
      const readme = join(dir, "README.md")
      if (!existsSync(readme)) return []
      const { name } = manifest(dir)
      return [...readFileSync(readme, "utf8").matchAll(/--filter (\S+)/g)].map((m) => m[1]!).filter((filter) => filter !== name).map((filter) => `${dir}: ${filter}`)
    })
    expect(mismatched).toEqual([])
  })
})
