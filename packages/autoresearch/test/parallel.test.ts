// `autoresearch run --parallel 2` end to end on one machine: two workers in the process on the
// in-memory queue, each training in its own checkout with the real tfjs trainer at a tiny
// budget, the search agent proposing; then `results` reads the run.
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./cli-helpers.js"

const cache = join(tmpdir(), "autoresearch-test-cache")
const previousCache = process.env.AUTORESEARCH_CACHE

describe("run --parallel", () => {
  beforeAll(() => {
    process.env.AUTORESEARCH_CACHE = cache
  })
  afterAll(() => {
    if (previousCache === undefined) delete process.env.AUTORESEARCH_CACHE
    else process.env.AUTORESEARCH_CACHE = previousCache
  })

  it("trains two experiments at a time with the real trainer and records each once", { timeout: 300_000 }, async () => {
    const parent = mkdtempSync(join(tmpdir(), "ar-parallel-"))
    const dir = join(parent, "research")
    expect((await cli(["init", "research"], parent)).code).toBe(0)
    const prepared = await cli(["prepare"], dir)
    expect(prepared.code, prepared.stderr).toBe(0)

    const ran = await cli(["run", "--parallel", "2", "--agent", "search", "--tag", "par", "--experiments", "5", "--budget", "3", "--json"], dir)
    expect(ran.code, ran.stderr).toBe(0)
    const summary = JSON.parse(ran.stdout)
    expect(summary, ran.stderr).toMatchObject({ tag: "par", experiments: 5 })
    const records = readFileSync(join(dir, "runs", "par", "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
    expect(records.map((r) => r.id).sort((a: number, b: number) => a - b)).toEqual([1, 2, 3, 4, 5])
    expect(records.find((r) => r.baseline)).toMatchObject({ status: "keep" })
    // Real training: every run that did not crash measured a val_bpb with the tfjs trainer.
    for (const record of records.filter((r) => r.metrics !== undefined)) {
      expect(record.metrics.valBpb).toBeGreaterThan(0)
      expect(record.metrics.numSteps).toBeGreaterThan(0)
    }
    // Both workers trained (each has its own checkout and logs under runs/par/workers).
    for (const worker of ["1", "2"]) expect(readFileSync(join(dir, "runs", "par", "workers", worker, "checkout", "train.ts"), "utf8")).toContain("train")

    const results = await cli(["results", "--json", "--tag", "par"], dir)
    expect(results.code, results.stderr).toBe(0)
    expect(JSON.parse(results.stdout).rows).toHaveLength(5)
  })
})
