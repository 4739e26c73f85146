// docs/plugins.md is checked against the code: every ```ts snippet type-checks as written
// (tsc, against the package's own exports), and every name it imports from `autoresearch` or
// `autoresearch/test` as a value exists at run time. A renamed export fails here first.
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import * as sdk from "autoresearch"
import * as doubles from "autoresearch/test"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const doc = join(packageDir, "..", "..", "docs", "plugins.md")
const snippets = [...readFileSync(doc, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

/** Value names a snippet imports from a module (type-only imports are tsc's job). */
const valueImports = (source: string, module: string): Array<string> =>
  [...source.matchAll(new RegExp(`import \\{([^}]*)\\} from "${module}"`, "g"))].flatMap((m) =>
    m[1]!
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "" && !name.startsWith("type "))
      .map((name) => name.split(" as ")[0]!.trim())
  )

describe("docs/plugins.md", () => {
  it("has snippets to check", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(6)
  })

  it("imports only names that autoresearch and autoresearch/test export", () => {
    const missing = snippets.flatMap((s) => [
      ...valueImports(s, "autoresearch").filter((name) => !(name in sdk)).map((name) => `autoresearch: ${name}`),
      ...valueImports(s, "autoresearch/test").filter((name) => !(name in doubles)).map((name) => `autoresearch/test: ${name}`)
    ])
    expect(missing).toEqual([])
  })

  it("type-checks every snippet as written", { timeout: 180_000 }, async () => {
    // Inside the package, so `autoresearch` (its own name) and `effect` resolve as for a user.
    const dir = mkdtempSync(join(packageDir, ".doc-snippets-"))
    try {
      const files = snippets.map((source, i) => {
        const file = join(dir, `snippet-${i + 1}.ts`)
        writeFileSync(file, `${source}\nexport {}\n`)
        return file
      })
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({ extends: "../../../tsconfig.base.json", compilerOptions: { noEmit: true, noUnusedLocals: false, declaration: false }, files })
      )
      const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
      let output = ""
      try {
        // Asynchronously: a synchronous tsc blocks the test worker past vitest's RPC timeout on a loaded machine.
        await promisify(execFile)(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" })
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? error)
      }
      expect(output).toBe("")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
