// pnpm exec tsx --conditions=source scripts/speed-noise.ts <runs/<tag>/experiments.jsonl> [--json]
// How much of a run's val_bpb noise is the machine's speed: a wall-clock budget turns a slower
// machine into fewer steps. Pools every commit's runs (its own, its repeats, its paired re-runs
// as the best), regresses val_bpb on ln(tokens/s) within each commit, and prints the slope, the
// share of the spread it explains (R²), and the spread before and after. Then, for every paired
// confirmation, the mean paired difference as recorded and at equal speed (each pair's
// difference less slope × its log speed ratio: only right for a change that leaves the model's
// size alone, whose two sides should train equally fast). An offline analysis of records, not
// part of any decision.
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { mean } from "../packages/core/src/decision/noise.js"
import { parseRecords } from "../packages/autoresearch/src/results/records.js"

const { positionals, values } = parseArgs({ allowPositionals: true, options: { json: { type: "boolean", default: false } } })
if (positionals.length !== 1) {
  console.error("usage: tsx scripts/speed-noise.ts <runs/<tag>/experiments.jsonl> [--json]")
  process.exit(2)
}
const records = parseRecords(readFileSync(positionals[0]!, "utf8"), positionals[0]!)

// Every steady run with a speed, by the commit it trained.
const byCommit = new Map<string, Array<{ valBpb: number; logSpeed: number }>>()
for (const record of records) {
  for (const run of record.runs ?? []) {
    if (run.disturbed === true || run.valBpb === undefined || run.tokensPerSecond === undefined) continue
    const commit = run.kind === "best" ? record.parent : record.commit
    byCommit.set(commit, [...(byCommit.get(commit) ?? []), { valBpb: run.valBpb, logSpeed: Math.log(run.tokensPerSecond) }])
  }
}
let sxy = 0
let sxx = 0
let syy = 0
let samples = 0
for (const runs of byCommit.values()) {
  if (runs.length < 2) continue
  const my = runs.reduce((sum, run) => sum + run.valBpb, 0) / runs.length
  const mx = runs.reduce((sum, run) => sum + run.logSpeed, 0) / runs.length
  for (const run of runs) {
    sxy += (run.logSpeed - mx) * (run.valBpb - my)
    sxx += (run.logSpeed - mx) ** 2
    syy += (run.valBpb - my) ** 2
    samples++
  }
}
const slope = sxx > 0 ? sxy / sxx : 0
const rSquared = sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : 0
const spread = Math.sqrt(syy / Math.max(1, samples))
const residual = Math.sqrt(Math.max(0, syy - slope * sxy) / Math.max(1, samples))

const pairs = records.flatMap((record) => {
  const runs = (record.runs ?? []).filter((run) => run.disturbed !== true && run.valBpb !== undefined && run.tokensPerSecond !== undefined)
  const candidate = runs.filter((run) => run.kind === "confirm")
  const best = runs.filter((run) => run.kind === "best" && !run.log.includes("-best0"))
  const n = Math.min(candidate.length, best.length)
  if (n === 0) return []
  const recorded = Array.from({ length: n }, (_, k) => best[k]!.valBpb! - candidate[k]!.valBpb!)
  const equalSpeed = recorded.map((d, k) => d - slope * (Math.log(best[k]!.tokensPerSecond!) - Math.log(candidate[k]!.tokensPerSecond!)))
  return [{ id: record.id, status: record.status, description: record.description, pairs: n, recorded: mean(recorded), equalSpeed: mean(equalSpeed) }]
})

const figures = { samples, slope, rSquared, spread, residual, pairs }
if (values.json) console.log(JSON.stringify(figures))
else {
  console.log(`${samples} runs of repeated commits: d val_bpb / d ln(tokens/s) = ${slope.toFixed(3)}, R² ${rSquared.toFixed(2)}; spread ${spread.toFixed(4)} → ${residual.toFixed(4)} at equal speed`)
  for (const p of pairs) {
    console.log(`#${p.id} ${p.status.padEnd(7)} ${p.description.slice(0, 40).padEnd(40)} ${p.pairs} pair(s): mean paired gain ${p.recorded.toFixed(4)} recorded, ${p.equalSpeed.toFixed(4)} at equal speed`)
  }
}
