// The CLI end to end, as a user runs it, in a temp dir: init → prepare → train → run 3
// experiments with the search agent at a tiny budget → results → report. Real everything:
// the embedded corpus, the tfjs trainer in child processes, git, the store.
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./cli-helpers.js"

// A cache shared by test runs (prepare is idempotent: the second time takes seconds).
const cache = join(tmpdir(), "autoresearch-test-cache")
const previousCache = process.env.AUTORESEARCH_CACHE

/** A small well-formedness check: every tag closes in order, attributes are quoted. */
const wellFormedXml = (text: string): boolean => {
  const stack: Array<string> = []
  for (const match of text.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match
    if (selfClosing === "/") continue
    if (closing === "/") {
      if (stack.pop() !== name) return false
    } else stack.push(name!)
  }
  const stray = text.replace(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, "").includes("<")
  return stack.length === 0 && !stray
}

describe("the CLI end to end", () => {
  beforeAll(() => {
    process.env.AUTORESEARCH_CACHE = cache
  })
  afterAll(() => {
    if (previousCache === undefined) delete process.env.AUTORESEARCH_CACHE
    else process.env.AUTORESEARCH_CACHE = previousCache
  })

  it("init → prepare → train → run 3 → results → report", { timeout: 280_000 }, async () => {
    const parent = mkdtempSync(join(tmpdir(), "ar-e2e-"))
    const dir = join(parent, "research")
    expect((await cli(["init", "research"], parent)).code).toBe(0)

    const prepared = await cli(["prepare", "--json"], dir)
    expect(prepared.code, prepared.stderr).toBe(0)
    expect(JSON.parse(prepared.stdout).manifest).toMatchObject({ profile: "cpu", vocabSize: 2048 })

    const trained = await cli(["train", "--budget", "4", "--json"], dir)
    expect(trained.code, trained.stdout + trained.stderr).toBe(0)
    const report = JSON.parse(trained.stdout)
    expect(report._tag).toBe("Success")
    expect(report.metrics.valBpb).toBeGreaterThan(0)
    expect(report.metrics.numSteps).toBeGreaterThan(0)

    const ran = await cli(["run", "--agent", "search", "--tag", "e2e", "--experiments", "3", "--budget", "4", "--noise-repeats", "0", "--confirmations", "0", "--json"], dir)
    expect(ran.code, ran.stderr).toBe(0)
    const summary = JSON.parse(ran.stdout)
    expect(summary, ran.stderr).toMatchObject({ tag: "e2e", experiments: 3 })
    // the live view printed a table row per experiment
    expect(ran.stderr).toMatch(/^\s+1\s+[0-9a-f]{7}\s+\d\.\d{6}\s+.*baseline/m)
    expect(ran.stderr.match(/^\s+[123]\s+[0-9a-f]{7}\s/gm)).toHaveLength(3)

    const results = await cli(["results", "--json"], dir)
    expect(results.code).toBe(0)
    const table = JSON.parse(results.stdout)
    expect(table.rows).toHaveLength(3)
    expect(table.rows[0]).toMatchObject({ id: 1, baseline: true, status: "keep" })
    const text = await cli(["results"], dir)
    expect(text.stdout).toContain("run e2e: 3 experiments")

    const written = await cli(["report", "--json"], dir)
    expect(written.code, written.stderr).toBe(0)
    const files = JSON.parse(written.stdout)
    const svg = readFileSync(files.svg, "utf8")
    expect(wellFormedXml(svg)).toBe(true)
    const measured = table.rows.filter((row: { valBpb: number | null; status: string }) => row.valBpb !== null && row.status !== "crash")
    expect(svg.match(/<circle class="point /g) ?? []).toHaveLength(measured.length)
    const html = readFileSync(files.html, "utf8")
    expect(html).toContain("run <code>e2e</code>")
    // every kept change carries its diff
    const keptChanges = table.rows.filter((row: { status: string; baseline: boolean }) => row.status === "keep" && !row.baseline).length
    expect(html.match(/<pre class="diff">/g) ?? []).toHaveLength(keptChanges)
  })

  it("a workspace with no data prepared, and one from another profile: one clear line each", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "ar-e2e-")), "ws")
    expect((await cli(["init", dir], tmpdir())).code).toBe(0)
    process.env.AUTORESEARCH_CACHE = mkdtempSync(join(tmpdir(), "ar-empty-cache-"))
    try {
      for (const command of [["train"], ["run", "--experiments", "1"]]) {
        const result = await cli(command, dir)
        expect(result.code).toBe(3)
        expect(result.stderr).toMatch(/^error: no data prepared for profile cpu in .*: run `autoresearch prepare`\n/)
        expect(result.stderr.trimEnd().split("\n").length).toBeLessThanOrEqual(3)
      }
    } finally {
      process.env.AUTORESEARCH_CACHE = cache
    }
    const other = await cli(["train", "--profile", "reference"], dir)
    expect(other.code).toBe(3)
    expect(other.stderr).toMatch(/^error: this workspace uses the cpu profile, not reference/)
    expect(other.stderr.trimEnd().split("\n")).toHaveLength(2)
  })
})
