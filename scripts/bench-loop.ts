// Loop overhead per experiment (apply + commit + diff + decide + store append + reset) with
// the scripted agent and an instant scripted trainer on a real git repository.
// Usage: pnpm bench:loop [--experiments 200] [--json]
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ResultsStore, runLoop } from "../packages/core/src/index.js"
import { ScriptedAgent, ScriptedTrainer } from "../packages/core/src/test/index.js"
import { GitWorkspace } from "../packages/git/src/index.js"

const args = process.argv.slice(2)
const json = args.includes("--json")
const at = args.indexOf("--experiments")
const experiments = at >= 0 ? Number(args[at + 1]) : 200

const dir = mkdtempSync(join(tmpdir(), "ar-bench-loop-"))
const git = (...a: Array<string>) => execFileSync("git", a, { cwd: dir, stdio: "ignore" })
git("init", "-q", "-b", "main")
git("config", "user.email", "bench@example.com")
git("config", "user.name", "bench")
// A canvas the size of the real template (~400 lines).
const lines = Array.from({ length: 400 }, (_, i) => `const p${i} = ${i} // parameter ${i}`)
writeFileSync(join(dir, "train.ts"), `${lines.join("\n")}\nconst lr = 0.0100\n`)
writeFileSync(join(dir, "program.md"), "bench\n")
writeFileSync(join(dir, ".gitignore"), "runs/\n")
git("add", ".")
git("commit", "-q", "-m", "init")

// Every third change improves val_bpb (a keep), the rest are worse (discard + reset).
const agent = ScriptedAgent.make((call, ctx) => {
  const current = ctx.files[0]!.content.match(/const lr = [0-9.]+/)![0]
  return { description: `lr step ${call}`, edits: [{ path: "train.ts", old: current, new: `const lr = ${(0.01 + (call + 1) * 1e-4).toFixed(4)}` }] }
})
let best = 1
const trainer = ScriptedTrainer.make((call) => (call % 3 === 0 ? (best -= 0.001) : best + 0.01))

const started = performance.now()
const summary = await runLoop({
  tag: "bench",
  budgetSeconds: 1,
  maxExperiments: experiments,
  noiseRepeats: 0,
  agent: agent.layer,
  trainer: trainer.layer,
  store: ResultsStore.layer({ dir: join(dir, "runs", "bench") }),
  workspace: GitWorkspace.layer({ dir, editable: ["train.ts"] })
})
const totalMs = performance.now() - started
rmSync(dir, { recursive: true, force: true })

const msPerExperiment = totalMs / summary.experiments
console.log("experiments  kept  discarded  total_ms  ms/experiment")
console.log(
  `${String(summary.experiments).padStart(11)}  ${String(summary.kept).padStart(4)}  ${String(summary.discarded).padStart(9)}  ${totalMs.toFixed(0).padStart(8)}  ${msPerExperiment.toFixed(1).padStart(13)}`
)
console.log(`target <= 150 ms/experiment: ${msPerExperiment <= 150 ? "met" : "MISSED"}`)
if (json) console.log(JSON.stringify({ experiments: summary.experiments, msPerExperiment: Number(msPerExperiment.toFixed(2)) }))
