// The search agent under the best-first strategy, in the real loop on a real git workspace:
// the trainer is the scripted double, scoring the committed canvas with a synthetic objective.
// Each experiment starts from a kept node; the agent sees the way to that node (lineageOf), so
// its edits apply to that node's canvas and it never re-runs a configuration.
import { SearchAgent, parseParameters } from "@autoresearch/agent-search"
import { isNewBest, makeResultsStore, nodesOf, ResultsStore, runLoop } from "@autoresearch/core"
import { ScriptedTrainer } from "@autoresearch/core/test"
import { GitWorkspace } from "@autoresearch/git"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const canvas = `// the canvas
const DEPTH = 4 // blocks
const MATRIX_LR = 0.04
const WINDOW_PATTERN = "SSL"
const TOTAL_BATCH_SIZE = 2 ** 12
const DEVICE_BATCH_SIZE = 8

export const train = () => DEPTH * MATRIX_LR
`

const git = (dir: string, ...args: Array<string>) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim()

const makeWorkspace = () => {
  const dir = mkdtempSync(join(tmpdir(), "search-best-first-"))
  git(dir, "init", "-q", "-b", "main")
  git(dir, "config", "user.email", "test@example.com")
  git(dir, "config", "user.name", "test")
  writeFileSync(join(dir, "train.ts"), canvas)
  writeFileSync(join(dir, "program.md"), "search the hyper-parameters\n")
  writeFileSync(join(dir, ".gitignore"), "runs/\n")
  git(dir, "add", ".")
  git(dir, "commit", "-q", "-m", "init")
  return dir
}

/** Lowest at MATRIX_LR 0.08 and WINDOW_PATTERN "L"; DEPTH 8 helps a little. */
const score = (dir: string) => {
  const values = Object.fromEntries(parseParameters(readFileSync(join(dir, "train.ts"), "utf8")).map((p) => [p.name, p.value]))
  const lr = (values.MATRIX_LR as { value: number }).value
  const depth = (values.DEPTH as { value: number }).value
  const pattern = (values.WINDOW_PATTERN as { value: string }).value
  return 1 + Math.log(lr / 0.08) ** 2 + 0.01 * [...pattern].filter((c) => c === "S").length + 0.001 * Math.abs(Math.log2(depth / 8))
}

const run = (dir: string, maxExperiments: number) =>
  runLoop({
    tag: "s",
    budgetSeconds: 1,
    noiseRepeats: 0,
    strategy: "best-first",
    maxExperiments,
    agent: SearchAgent.layer({ seed: 3 }),
    trainer: ScriptedTrainer.make((_, spec) => score(spec.dir)).layer,
    store: ResultsStore.layer({ dir: join(dir, "runs", "s") }),
    workspace: GitWorkspace.layer({ dir, editable: ["train.ts"] })
  })

describe("the search agent under best-first", () => {
  it("branches from kept nodes, pins each as a git ref that survives gc and a resume, and finds the optimum", async () => {
    const dir = makeWorkspace()
    await run(dir, 10)
    git(dir, "gc", "-q", "--prune=now")
    // maxExperiments counts one invocation: the resume runs 14 more.
    const summary = await run(dir, 14)
    const records = Effect.runSync(makeResultsStore({ dir: join(dir, "runs", "s") }).list)
    expect(records).toHaveLength(24)
    expect(records.filter((r) => r.status === "invalid" || r.status === "agent_error" || r.status === "crash")).toEqual([])
    // Every experiment ran a configuration of its own, and some started off the best at the time.
    const canvases = records.map((r) => git(dir, "show", `${r.commit}:train.ts`))
    expect(new Set(canvases).size).toBe(records.length)
    let best = records[0]!.commit
    let offBest = 0
    for (const record of records) {
      if (record.parent !== best) offBest++
      if (isNewBest(record)) best = record.commit
    }
    expect(offBest).toBeGreaterThan(0)
    // Every kept node is a ref; the tree's parents are nodes.
    const nodes = nodesOf(records)
    const refs = git(dir, "for-each-ref", "--format=%(refname) %(objectname)", "refs/autoresearch/s/").split("\n")
    expect(refs.sort()).toEqual(records.filter((r) => r.status === "keep").map((r) => `refs/autoresearch/s/node-${r.id} ${r.commit}`).sort())
    for (const node of nodes) if (node.parent !== undefined) expect(nodes.some((n) => n.commit === node.parent)).toBe(true)
    expect(summary.bestBpb).toBeCloseTo(1, 2)
    expect(git(dir, "rev-parse", "HEAD")).toBe(summary.bestCommit)
    expect(readFileSync(join(dir, "train.ts"), "utf8").trim()).toBe(git(dir, "show", `${summary.bestCommit}:train.ts`))
  })
})
