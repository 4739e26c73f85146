// Usage: tsx research.ts <workspace made by `autoresearch init` and prepared>
import { runResearch } from "autoresearch"
import { LrSweepAgent } from "./lr-sweep-agent.js"

const summary = await runResearch({
  dir: process.argv[2] ?? ".",
  tag: "lr-sweep",
  maxExperiments: 7,
  agent: LrSweepAgent.layer({ name: "MATRIX_LR" })
})
console.log(`best val_bpb ${summary.bestBpb?.toFixed(6) ?? "-"} at ${summary.bestCommit.slice(0, 7)}`)
