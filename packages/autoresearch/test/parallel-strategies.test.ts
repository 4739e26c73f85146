// A branching strategy with `--parallel`: the CLI accepts it, `runParallelResearch` runs it on
// the parallel coordinator, and the records carry the tree that `results --json` shows. The
// agent and the trainer of the library run are TEST DOUBLES (a script that appends one move to
// the canvas, and a val_bpb computed from the canvas a worker checked out).
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ConfigError, type ExperimentRecord } from "@autoresearch/core"
import { ScriptedAgent, ScriptedTrainer } from "@autoresearch/core/test"
import { describe, expect, it } from "vitest"
import { writeReport } from "../src/report/write-report.js"
import { runParallelResearch } from "../src/run-parallel.js"
import { cli } from "./cli-helpers.js"

const movesOf = (text: string) => /const moves = "(\d*)"/.exec(text)![1]!
/** The start 2.0; the first move off it 1.90 and a dead end after; the second 1.92, then 0.01 better per move. */
const valueOf = (moves: string) => (moves === "" ? 2.0 : moves[0] === "0" ? (moves.length === 1 ? 1.9 : 1.902) : moves[0] === "1" ? 1.92 - 0.01 * (moves.length - 1) : 2.1)

/** A workspace as `init` leaves it, with a one-line canvas. */
const workspace = () => {
  const dir = mkdtempSync(join(tmpdir(), "ar-par-strategy-"))
  const git = (...args: Array<string>) => execFileSync("git", args, { cwd: dir, encoding: "utf8" })
  git("init", "--quiet", "-b", "main")
  git("config", "user.email", "test@autoresearch.local")
  git("config", "user.name", "test")
  mkdirSync(join(dir, ".autoresearch"))
  writeFileSync(join(dir, ".autoresearch", "profile.json"), JSON.stringify({ profile: "cpu", source: { kind: "embedded" } }))
  writeFileSync(join(dir, "train.ts"), 'const moves = ""\n')
  writeFileSync(join(dir, "program.md"), "make it better\n")
  writeFileSync(join(dir, ".gitignore"), "runs/\n")
  git("add", "-A")
  git("commit", "--quiet", "-m", "init")
  return dir
}

describe("a branching strategy with --parallel", () => {
  it("`run --parallel 2 --strategy islands` is accepted", async () => {
    const parent = mkdtempSync(join(tmpdir(), "ar-par-strategy-cli-"))
    expect((await cli(["init", "research"], parent)).code).toBe(0)
    // One experiment (the baseline): the run starts on the coordinator with the strategy.
    const ran = await cli(["run", "--parallel", "2", "--strategy", "islands", "--agent", "search", "--tag", "isl", "--experiments", "1", "--budget", "1", "--noise-repeats", "0", "--json"], join(parent, "research"))
    expect(ran.code, ran.stderr).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ tag: "isl", experiments: 1 })
    expect(ran.stderr).not.toMatch(/one experiment at a time|drop --parallel/)
  }, 120_000)

  it("islands over two workers: the records carry the tree `results --json` shows", async () => {
    const dir = workspace()
    const tries = new Map<string, number>()
    const agent = ScriptedAgent.make((_call, ctx) => {
      const moves = movesOf(ctx.files[0]!.content)
      const n = tries.get(moves) ?? 0
      tries.set(moves, n + 1)
      return { description: `move ${moves}${n}`, edits: [{ path: "train.ts", old: `"${moves}"`, new: `"${moves}${n}"` }] }
    })
    const trainer = ScriptedTrainer.make((_call, spec) => valueOf(movesOf(readFileSync(join(spec.dir, "train.ts"), "utf8"))), { delayMs: 50, writeLog: false })
    const summary = await runParallelResearch({
      dir, tag: "isl", parallel: 2, strategy: "islands", maxExperiments: 10, budgetSeconds: 1, noiseRepeats: 0, agent: agent.layer, trainer: trainer.layer, eventsLog: false
    })
    expect(summary.experiments).toBe(10)
    const records: Array<ExperimentRecord> = readFileSync(join(dir, "runs", "isl", "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
    // Every keep says whether it moved the run's best; the second island's line starts as nodes that did not.
    const keeps = records.filter((r) => r.status === "keep" && !r.baseline)
    for (const keep of keeps) expect(typeof keep.advancesBest).toBe("boolean")
    expect(keeps.some((r) => r.advancesBest === false && r.decisionReason.includes("not the run's best"))).toBe(true)
    const results = await cli(["results", "--json", "--tag", "isl"], dir)
    expect(results.code, results.stderr).toBe(0)
    const tree: Array<{ id: number; parent: number | null }> = JSON.parse(results.stdout).tree
    // Every keep is a node, and every node but the baseline hangs off another node.
    expect(tree.map((node) => node.id).sort((a, b) => a - b)).toEqual(records.filter((r) => r.status === "keep").map((r) => r.id).sort((a, b) => a - b))
    for (const node of tree) if (node.id !== 1) expect(tree.some((other) => other.id === node.parent)).toBe(true)
    // Both islands grew: nodes off the baseline on each of them.
    expect(tree.filter((node) => node.parent === 1).length).toBeGreaterThanOrEqual(2)
    // The report draws the same tree.
    const report = await writeReport({ tag: "isl", records, outDir: mkdtempSync(join(tmpdir(), "ar-par-strategy-report-")), png: false })
    const svg = readFileSync(report.tree!.svg, "utf8")
    expect([...svg.matchAll(/class="node" data-id="(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b)).toEqual(tree.map((node) => node.id).sort((a, b) => a - b))
  }, 120_000)

  it("refuses a parallel count below 1, and a database without a remote, with a ConfigError", async () => {
    await expect(runParallelResearch({ dir: workspace(), parallel: 0 })).rejects.toBeInstanceOf(ConfigError)
    await expect(runParallelResearch({ dir: workspace(), parallel: 2, db: "postgres://localhost/x" })).rejects.toThrow(/needs remote/)
  })
})
