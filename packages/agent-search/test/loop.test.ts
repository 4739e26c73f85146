// The search agent inside the real loop, on a real git workspace: the trainer is the scripted
// double (no real training here), scoring the committed canvas with a synthetic objective.
import { SearchAgent, parseParameters } from "@autoresearch/agent-search"
import { makeResultsStore, ResultsStore, runLoop } from "@autoresearch/core"
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
  const dir = mkdtempSync(join(tmpdir(), "search-loop-"))
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

/** Lowest at MATRIX_LR 0.08 and WINDOW_PATTERN "L"; the other parameters do not matter. */
const score = (dir: string) => {
  const values = Object.fromEntries(parseParameters(readFileSync(join(dir, "train.ts"), "utf8")).map((p) => [p.name, p.value]))
  const lr = (values.MATRIX_LR as { value: number }).value
  const pattern = (values.WINDOW_PATTERN as { value: string }).value
  return 1 + Math.log(lr / 0.08) ** 2 + 0.01 * [...pattern].filter((c) => c === "S").length
}

const run = (dir: string, maxExperiments: number) =>
  runLoop({
    tag: "s",
    budgetSeconds: 1,
    noiseRepeats: 0,
    maxExperiments,
    agent: SearchAgent.layer({ seed: 3 }),
    trainer: ScriptedTrainer.make((_, spec) => score(spec.dir)).layer,
    store: ResultsStore.layer({ dir: join(dir, "runs", "s") }),
    workspace: GitWorkspace.layer({ dir, editable: ["train.ts"] })
  })

describe("the search agent in the research loop", () => {
  it("proposes applicable edits, resumes from the history alone (deterministically), never repeats a configuration and finds the optimum", async () => {
    const dir = makeWorkspace()
    await run(dir, 8)
    // maxExperiments counts one invocation: the resume runs 12 more.
    const summary = await run(dir, 12)
    const records = Effect.runSync(makeResultsStore({ dir: join(dir, "runs", "s") }).list)
    expect(records).toHaveLength(20)
    expect(records.filter((r) => r.status === "invalid" || r.status === "agent_error")).toEqual([])
    // Every experiment ran a configuration of its own: the committed canvases all differ.
    const canvases = records.map((r) => git(dir, "show", `${r.commit}:train.ts`))
    expect(new Set(canvases).size).toBe(records.length)
    expect(summary.bestBpb).toBeCloseTo(1, 9)
    const best = readFileSync(join(dir, "train.ts"), "utf8")
    expect(best).toContain("const MATRIX_LR = 0.08")
    expect(best).toContain('const WINDOW_PATTERN = "L"')
    // Deterministic: a run that was never interrupted proposes exactly the same sequence.
    const straight = makeWorkspace()
    await run(straight, 20)
    const straightRecords = Effect.runSync(makeResultsStore({ dir: join(straight, "runs", "s") }).list)
    expect(straightRecords.map((r) => r.description)).toEqual(records.map((r) => r.description))
  })
})
