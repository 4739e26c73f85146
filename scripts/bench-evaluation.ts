// pnpm bench:evaluation [--json] [--budget 10] [--repeats 2]
// What the sealed evaluation costs on top of the old in-process one, side by side in one run
// (the machine may be shared: compare the ratio, not the seconds):
//   sealed   — a real TfjsTrainer run of the template canvas: the parent's evaluation time (two
//              fresh sandboxed processes side by side: start-up, weights, 9 batches with twins
//              and repeats, reveals, the parent's checks), from the run's log;
//   inProcess — the template's model (same shape) scored in this process by prepare's
//              evaluateBpb, as the old harness did after training (no start-up, no checks).
// extraPercentOfBudget = median over runs of (sealed - inProcess), over the cpu profile's budget (60 s).
import { cpus, loadavg, tmpdir } from "node:os"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { loadPrepared, prepare, profiles } from "../packages/prepare/src/index.js"
import { tf } from "../packages/trainer-tfjs/src/canvas.js"
import { canvasTemplatePath, installFastKernelsIfPresent, parseBackendChoice, selectBackend, trainOnce } from "../packages/trainer-tfjs/src/index.js"
import { createGPT, modelConfig, perTokenLoss } from "../packages/trainer-tfjs/templates/train.js"
import { cpSync } from "node:fs"

const { values } = parseArgs({ options: { json: { type: "boolean" }, budget: { type: "string", default: "10" }, repeats: { type: "string", default: "2" } } })
const budget = Number(values.budget)
const repeats = Number(values.repeats)
await prepare({ profile: "cpu" })
const env = await loadPrepared({ profile: "cpu" })
const load = () => loadavg()[0]!.toFixed(1)

const sealedOnce = async () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-evaluation-"))
  try {
    cpSync(canvasTemplatePath, join(dir, "train.ts"))
    const report = await trainOnce({ dir, budgetSeconds: budget, logFile: join(dir, "run.log") }, { backend: "wasm" })
    if (report._tag !== "Success") throw new Error(`${report.reason}: ${report.message}\n${report.logTail}`)
    const log = readFileSync(join(dir, "run.log"), "utf8")
    const seconds = Number(/\[trainer\] evaluation: ([\d.]+) s/.exec(log)![1])
    return { seconds, total: report.metrics.totalSeconds, training: report.metrics.trainingSeconds }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const inProcessOnce = async () => {
  const model = createGPT(modelConfig(env.profile.vocabSize, env.profile.maxSeqLen))
  const started = performance.now()
  await env.evaluateBpb({
    perTokenLoss: async (inputs, targets, batch, seqLen) => {
      const losses = tf.tidy(() => perTokenLoss(model, inputs, targets, batch, seqLen))
      const out = (await losses.data()) as Float32Array
      losses.dispose()
      return out
    }
  })
  return (performance.now() - started) / 1000
}

const backend = await selectBackend(parseBackendChoice("wasm"))
const kernels = await installFastKernelsIfPresent()
const rows: Array<{ sealed: number; inProcess: number; loadBefore: string }> = []
for (let i = 0; i < repeats; i++) {
  const loadBefore = load()
  const sealed = await sealedOnce()
  const inProcess = await inProcessOnce()
  rows.push({ sealed: sealed.seconds, inProcess, loadBefore })
}
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const sealed = median(rows.map((r) => r.sealed))
const inProcess = median(rows.map((r) => r.inProcess))
// Paired: each sealed run against the in-process run right after it, under the same load.
const extra = median(rows.map((r) => r.sealed - r.inProcess))
const cpuBudget = profiles.cpu.timeBudgetSeconds
const result = {
  machine: `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}`,
  load1: load(),
  backend: backend.name,
  kernels,
  runs: rows,
  sealedSeconds: sealed,
  inProcessSeconds: inProcess,
  extraSeconds: extra,
  extraPercentOfBudget: (100 * extra) / cpuBudget
}
console.log(`machine: ${result.machine}, 1-min load ${result.load1} (shared machine: compare ratios)`)
console.log("run | sealed evaluation (s) | in-process evaluateBpb (s) | load before")
rows.forEach((r, i) => console.log(`${i + 1}   | ${r.sealed.toFixed(1).padStart(21)} | ${r.inProcess.toFixed(1).padStart(26)} | ${r.loadBefore}`))
console.log(`extra: ${result.extraSeconds.toFixed(1)} s = ${result.extraPercentOfBudget.toFixed(1)} % of the cpu profile's ${cpuBudget} s budget (median of the paired differences)`)
if (values.json) console.log(JSON.stringify(result))
