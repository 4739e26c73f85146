// Every relative link in the README, docs/ and the examples' READMEs names a file that is in the
// repository: a record or chart a page cites as evidence must be there to read.
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { dirname, join, normalize } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../..", import.meta.url))

/** The files git tracks (a link to an ignored file would break on a clone). */
const tracked = new Set(execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter((path) => path !== ""))

/** Every folder that holds a tracked file (a link may name a folder). */
const folders = new Set([...tracked].flatMap((path) => path.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))))

const pages = [...tracked].filter((path) => path.endsWith(".md") && (path === "README.md" || path.startsWith("docs/") || /^examples\/[^/]+\/README\.md$/.test(path)))

/** Relative link targets of a markdown page, images included, anchors and queries dropped. */
const relativeLinks = (text: string): Array<string> =>
  [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#"))
    .map((target) => decodeURIComponent(target.split(/[#?]/)[0]!))

describe("documentation links", () => {
  it("finds the pages", () => {
    expect(pages).toContain("README.md")
    expect(pages).toContain("docs/loop.md")
  })

  it("every relative link names a tracked file or folder", () => {
    const broken = pages.flatMap((page) =>
      relativeLinks(readFileSync(join(root, page), "utf8"))
        .map((target) => normalize(join(dirname(page), target)).replace(/\/$/, ""))
        .filter((path) => !tracked.has(path) && !folders.has(path))
        .map((path) => `${page} → ${path}`)
    )
    expect(broken).toEqual([])
  })
})
