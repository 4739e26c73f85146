// `autoresearch verify`: the judging of keeps against a scripted trainer (a test double: a real
// run takes minutes; val_bpb is drawn from known distributions per commit), the saved report,
// `results` showing it, and the CLI's clear lines for mistakes.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { judgeKeep, keptChanges, verifyKeeps } from "../src/verify/verify-keeps.js"
import { readVerify, renderVerify, writeVerify } from "../src/verify/verify-file.js"
import { cli } from "./cli-helpers.js"
import { record } from "./fixtures.js"

const temp = () => mkdtempSync(join(tmpdir(), "ar-verify-"))

// Baseline c1; keep #2 (c1 → c2) is real (−0.03); #3 discarded; keep #4 (c2 → c4) was luck (+0.004).
const run = [
  record(1, "keep", 2.5, "baseline", { parent: "c1", commit: "c1" }),
  record(2, "keep", 2.47, "MATRIX_LR 0.04 → 0.08", { parent: "c1", commit: "c2" }),
  record(3, "discard", 2.48, "DEPTH 2 → 3", { parent: "c2", commit: "c3" }),
  record(4, "keep", 2.455, "WEIGHT_DECAY 0.2 → 0.1", { parent: "c2", commit: "c4" })
]
const truth: Record<string, number> = { c1: 2.5, c2: 2.47, c4: 2.474 }

/** A scripted trainer: truth + a per-seed term shared by every commit + per-run noise (σ 0.004). */
const scripted = () => {
  const calls: Array<string> = []
  let state = 12345
  const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  const seedTerm = (seed: number) => 0.003 * Math.sin(seed * 12.9898)
  const train = async (commit: string, seed: number) => {
    calls.push(`${commit}@${seed}`)
    return truth[commit]! + seedTerm(seed) + 0.002 * gaussian()
  }
  return { train, calls }
}

describe("verifyKeeps", () => {
  it("re-trains each commit once per seed and tells a real keep from a lucky one", async () => {
    const { train, calls } = scripted()
    const report = await verifyKeeps("t", run, [11, 12, 13, 14, 15], 60, train)
    expect(keptChanges(run).map((r) => r.id)).toEqual([2, 4])
    // c2 is the child of keep 2 and the parent of keep 4: trained once per seed, not twice.
    expect(calls).toHaveLength(3 * 5)
    expect(new Set(calls).size).toBe(15)
    const [real, lucky] = report.checks
    expect(real!.verdict).toBe("reproduces")
    expect(real!.gain!).toBeCloseTo(0.03, 2)
    expect(real!.commitRuns).toHaveLength(5)
    expect(lucky!.verdict).toBe("false")
    expect(lucky!.parentMean).toBeCloseTo(real!.commitMean!, 10)
    expect(report.falseKeeps).toBe(1)
    expect(report.reproduced).toBe(1)
    expect(report.dof).toBe(12)
  })

  it("leaves crashed repeats out and judges what remains", async () => {
    const report = await verifyKeeps("t", run.slice(0, 2), [1, 2, 3], 60, async (commit, seed) => (commit === "c2" && seed === 2 ? undefined : truth[commit]! + seed * 1e-4))
    expect(report.checks[0]!.commitRuns).toHaveLength(2)
    expect(report.checks[0]!.parentRuns).toHaveLength(3)
  })

  it("judges with the noise: a gain inside it is unclear, no gain is false", () => {
    expect(judgeKeep([1.0, 1.01], [1.005, 1.015], 0.01, 10)).toBe("unclear")
    expect(judgeKeep([1.0, 1.0], [1.1, 1.1], 0.01, 10)).toBe("reproduces")
    expect(judgeKeep([1.1], [1.0], 0.01, 10)).toBe("false")
    expect(judgeKeep([], [1.0], 0.01, 10)).toBe("unclear")
  })
})

describe("the saved report and `results`", () => {
  it("round-trips verify.json and shows it under the results table and in --json", async () => {
    const dir = temp()
    expect((await cli(["init", dir], dir)).code).toBe(0)
    mkdirSync(join(dir, "runs", "t"), { recursive: true })
    writeFileSync(join(dir, "runs", "t", "experiments.jsonl"), run.map((r) => JSON.stringify({ ...r, tag: "t" })).join("\n") + "\n")
    const report = await verifyKeeps("t", run, [1, 2, 3], 60, scripted().train)
    writeVerify(dir, report)
    expect(readVerify(dir, "t")).toEqual(report)
    const text = renderVerify(report)
    expect(text).toMatch(/^verify: 2 keep\(s\), 3 repeat\(s\)/)
    expect(text).toMatch(/#2 c2 +reproduces/)
    expect(text).toMatch(/false keeps 1$/)
    const shown = await cli(["results", "--tag", "t"], dir)
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain("false keeps 1")
    const json = JSON.parse((await cli(["results", "--tag", "t", "--json"], dir)).stdout)
    expect(json.verify.falseKeeps).toBe(1)
    writeFileSync(join(dir, "runs", "t", "verify.json"), "{}")
    const damaged = await cli(["results", "--tag", "t"], dir)
    expect(damaged.code).toBe(2)
    expect(damaged.stderr).toMatch(/^error: .*verify\.json is not a verify report/)
  })
})

describe("the verify command", () => {
  it("says clearly what is wrong (a bad --repeats), and that a run without keeps has nothing to verify", async () => {
    const dir = temp()
    expect((await cli(["init", dir], dir)).code).toBe(0)
    const bad = await cli(["verify", "--repeats", "0"], dir)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error: --repeats must be at least 1 \(got 0\)/)
    mkdirSync(join(dir, "runs", "t"), { recursive: true })
    writeFileSync(join(dir, "runs", "t", "experiments.jsonl"), JSON.stringify({ ...run[0], tag: "t" }) + "\n")
    // Nothing kept is not a mistake: it says so and trains nothing.
    const none = await cli(["verify", "--tag", "t"], dir)
    expect(none.code).toBe(0)
    expect(none.stdout).toBe(`run "t" has no kept change to verify (nothing beyond the baseline)\n`)
  })
})

describe("the HTML report", () => {
  it("shows the verify report, the research notes and each decision's evidence", async () => {
    const { renderHtmlReport } = await import("../src/report/html.js")
    const { summarize } = await import("../src/results/summary.js")
    const judged = [
      run[0]!,
      { ...run[1]!, evidence: { candidateRuns: [2.47, 2.468], bestRuns: [2.5, 2.51, 2.49, 2.5], bestReruns: [2.5], margin: 0.031, sigma: 0.008, dof: 4, bar: 0.02, throughput: 3.2e9, disturbed: false } }
    ]
    const report = await verifyKeeps("t", judged, [1, 2, 3], 60, scripted().train)
    const html = renderHtmlReport(summarize("t", judged), judged, { verify: renderVerify(report), notes: "- [experiment 2] lr <0.1> helps\n" })
    expect(html).toContain("Do the keeps reproduce?")
    expect(html).toContain("reproduced 1 of 1; false keeps 0")
    expect(html).toContain("- [experiment 2] lr &lt;0.1&gt; helps")
    expect(html).toContain("1 paired re-run(s) with the best · margin 0.0310 (needed 0.0200) · σ 0.0080</div>")
  })
})
