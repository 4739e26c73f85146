// `autoresearch run --parallel 2` end to end on one machine: two workers in the process on the
// in-memory queue, each training in its own checkout with the real tfjs trainer at a tiny
// budget, the search agent proposing; then `results` reads the run.
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
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

    const ran = await cli(["run", "--parallel", "2", "--agent", "search", "--tag", "par", "--experiments", "3", "--budget", "3", "--json"], dir)
    expect(ran.code, ran.stderr).toBe(0)
    const summary = JSON.parse(ran.stdout)
    expect(summary, ran.stderr).toMatchObject({ tag: "par", experiments: 3 })
    const records = readFileSync(join(dir, "runs", "par", "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
    expect(records.map((r) => r.id).sort((a: number, b: number) => a - b)).toEqual([1, 2, 3])
    expect(records.find((r) => r.baseline)).toMatchObject({ status: "keep" })
    // Real training: every run that did not crash measured a val_bpb with the tfjs trainer.
    const measured = records.filter((r) => r.metrics !== undefined)
    expect(measured.length).toBeGreaterThan(1)
    for (const record of measured) {
      expect(record.metrics.valBpb).toBeGreaterThan(0)
      expect(record.metrics.numSteps).toBeGreaterThan(0)
    }
    // After the baseline, #2 and #3 trained at the same time, one per worker, each in its own checkout.
    for (const worker of ["1", "2"]) expect(existsSync(join(dir, "runs", "par", "workers", worker, "checkout", "train.ts"))).toBe(true)

    const results = await cli(["results", "--json", "--tag", "par"], dir)
    expect(results.code, results.stderr).toBe(0)
    const rows = JSON.parse(results.stdout).rows
    expect(rows).toHaveLength(3)
    // The rows say which worker trained what; #2 and #3 went to different workers.
    expect(new Set(rows.slice(1).map((row: { worker: string }) => row.worker))).toEqual(new Set(["local-1", "local-2"]))
    // The run's timeline (runs/par/jobs.jsonl): both workers, one finished job per training run
    // the records name (the baseline and its two noise repeats, as in the sequential loop, #2 and
    // #3, and any re-runs a close call asked for), none left in flight.
    const parallel = JSON.parse(results.stdout).parallel
    expect(parallel.workers.map((w: { name: string }) => w.name)).toEqual(["local-1", "local-2"])
    const trainings = records.reduce((sum: number, r: { runs: Array<unknown> }) => sum + r.runs.length, 0)
    expect(trainings).toBeGreaterThanOrEqual(5)
    expect(parallel).toMatchObject({ jobs: trainings, finished: trainings, inFlight: [] })
    expect(records.find((r) => r.baseline).noise.samples).toHaveLength(3)
  })
})
