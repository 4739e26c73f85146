import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ScriptedTrainer } from "@autoresearch/core/test"
import { initWorkspace, runResearch, type ProposalContext } from "autoresearch"
import { expect, it } from "vitest"
import { LrSweepAgent, proposeLr } from "../lr-sweep-agent.js"

const context = (content: string, experimentId: number): ProposalContext => ({
  program: "",
  files: [{ path: "train.ts", content }],
  history: [],
  remaining: {},
  experimentId
})

it("proposes one exact edit of the learning rate", () => {
  expect(proposeLr(context("const X = 1\nconst MATRIX_LR = 0.04 // muon\n", 2))).toEqual({
    description: "MATRIX_LR 0.04 → 0.06",
    edits: [{ path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.06" }],
    costUsd: 0
  })
  expect(proposeLr(context("const X = 1\n", 2))).toMatchObject({ _tag: "AgentError" })
})

it("drives the real loop: kept changes stay in the canvas, discarded ones are reverted", async () => {
  const { dir } = initWorkspace(join(mkdtempSync(join(tmpdir(), "example-agent-")), "ws"))
  // TEST DOUBLE trainer: ×1.5 helps (2.4), ×0.67 of that does not (2.6)
  const trainer = ScriptedTrainer.make([2.5, 2.4, 2.6])
  const summary = await runResearch({ dir, tag: "sweep", budgetSeconds: 1, maxExperiments: 3, noiseRepeats: 0, maxConfirmations: 0, agent: LrSweepAgent.layer(), trainer: trainer.layer })
  expect(summary).toMatchObject({ experiments: 3, kept: 1, discarded: 1 })
  expect(readFileSync(join(dir, "train.ts"), "utf8")).toMatch(/^const MATRIX_LR = 0\.06/m)
  expect(execFileSync("git", ["log", "--format=%s", "-1"], { cwd: dir, encoding: "utf8" })).toContain("MATRIX_LR 0.04 → 0.06")
})
