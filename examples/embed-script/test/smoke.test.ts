// Smoke run of the example: the real search agent edits the real canvas in a real git
// workspace; only the trainer is a test double so the run takes a second instead of minutes.
import { execFileSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ScriptedTrainer } from "@autoresearch/core/test"
import { initWorkspace } from "autoresearch"
import { expect, it } from "vitest"
import { researchNight } from "../night.js"

it("runs three experiments and leaves the workspace on the best commit", async () => {
  const { dir } = initWorkspace(join(mkdtempSync(join(tmpdir(), "example-embed-")), "ws"))
  const trainer = ScriptedTrainer.make([2.5, 2.45, 2.47]) // TEST DOUBLE: scripted val_bpb
  const summary = await researchNight(dir, { trainer: trainer.layer, agent: "search", maxExperiments: 3, noiseRepeats: 0, maxConfirmations: 0, budgetSeconds: 1 })
  expect(summary).toMatchObject({ experiments: 3, kept: 1, discarded: 1, bestBpb: 2.45 })
  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim()
  expect(head.startsWith(summary.bestCommit.slice(0, 7))).toBe(true)
})
