// Smoke run with the real parts: python3 really trains and prints the summary block,
// CommandTrainer parses it, the loop keeps or reverts in a real git repository.
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "vitest"
import { createPythonWorkspace, pythonResearch } from "../python-research.js"

const hasPython = (() => {
  try {
    execFileSync("python3", ["--version"])
    return true
  } catch {
    return false
  }
})()

it.skipIf(!hasPython)("researches a Python canvas through CommandTrainer", async () => {
  const dir = createPythonWorkspace(join(mkdtempSync(join(tmpdir(), "example-python-")), "ws"))
  const summary = await pythonResearch(dir, { maxExperiments: 4, noiseRepeats: 0 })
  expect(summary.experiments).toBe(4)
  expect(summary.crashed).toBe(0)
  expect(summary.baselineBpb).toBeGreaterThan(0)
  expect(summary.bestBpb!).toBeLessThanOrEqual(summary.baselineBpb!)
  const tsv = readFileSync(join(dir, "runs", "python", "results.tsv"), "utf8").trim().split("\n")
  expect(tsv[0]).toBe("commit\tval_bpb\tmemory_gb\tstatus\tdescription")
  expect(tsv).toHaveLength(5)
})

if (!hasPython) console.warn("custom-trainer smoke test skipped: python3 not found")
