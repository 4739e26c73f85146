import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ScriptedAgent, ScriptedTrainer } from "@autoresearch/core/test"
import { initWorkspace, runResearch } from "autoresearch"
import { expect, it } from "vitest"
import { createScoreboard } from "../scoreboard.js"

it("redraws the scoreboard from the loop's events", async () => {
  const { dir } = initWorkspace(join(mkdtempSync(join(tmpdir(), "example-events-")), "ws"))
  const frames: Array<string> = []
  const board = createScoreboard((text) => frames.push(text))
  // TEST DOUBLES: a scripted agent and trainer, so the events flow in a second
  const agent = ScriptedAgent.make([
    { description: "DEPTH 2 → 3", edits: [{ path: "train.ts", old: "const DEPTH = 2", new: "const DEPTH = 3" }] },
    { description: "HEAD_DIM 32 → 64", edits: [{ path: "train.ts", old: "const HEAD_DIM = 32", new: "const HEAD_DIM = 64" }] }
  ])
  const trainer = ScriptedTrainer.make([2.0, 1.9, 2.1])
  await runResearch({ dir, tag: "ui", budgetSeconds: 1, maxExperiments: 3, noiseRepeats: 0, maxConfirmations: 0, agent: agent.layer, trainer: trainer.layer, onEvent: board.onEvent })
  expect(frames.some((frame) => frame.includes("now  #2 DEPTH 2 → 3"))).toBe(true)
  expect(board.render()).toBe(
    ["best 1.9000 (5.00% better than baseline)", "now  stopped: reached maxExperiments (3)", "✔ #1 baseline 2.0000", "✔ #2 DEPTH 2 → 3 1.9000", "· #3 HEAD_DIM 32 → 64 2.1000"].join("\n")
  )
})
