// pnpm exec tsx --conditions=source scripts/replay-decisions.ts <runs/<tag>/experiments.jsonl> [--z 2]
// Replays every paired decision of a run's records through today's rule (decision/speed.ts and
// rule.ts) on the runs it recorded, in their order: what the loop would decide now, beside what
// it decided then. When today's rule asks for more pairs than were run, it says so. An offline
// analysis of records, not part of any decision.
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { commitSpeedRuns, judgeAtSpeed, speedGroups, type SpeedRun } from "../packages/core/src/decision/index.js"
import { parseRecords } from "../packages/autoresearch/src/results/records.js"

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { z: { type: "string", default: "2" }, "min-delta": { type: "string", default: "0" }, confirmations: { type: "string", default: "3" } }
})
if (positionals.length !== 1) {
  console.error("usage: tsx scripts/replay-decisions.ts <runs/<tag>/experiments.jsonl> [--z 2] [--min-delta 0] [--confirmations 3]")
  process.exit(2)
}
const records = parseRecords(readFileSync(positionals[0]!, "utf8"), positionals[0]!)
const options = { z: Number(values.z), minDelta: Number(values["min-delta"]), maxConfirmations: Number(values.confirmations) }

for (const [index, record] of records.entries()) {
  if (record.evidence === undefined || record.runs === undefined) continue
  const earlier = records.slice(0, index)
  const steady = record.runs.filter((run) => run.disturbed !== true && run.valBpb !== undefined)
  const speedRun = (run: (typeof steady)[number]): SpeedRun => ({ valBpb: run.valBpb!, tokensPerSecond: run.tokensPerSecond })
  const candidateRuns = steady.filter((run) => run.kind !== "best").map(speedRun)
  const bests = steady.filter((run) => run.kind === "best")
  const bestZero = bests.filter((run) => run.log.includes("-best0")).map(speedRun)
  const bestPairs = bests.filter((run) => !run.log.includes("-best0")).map(speedRun)
  const history = commitSpeedRuns(earlier, record.parent)
  const groups = speedGroups(earlier)
  const verdictAt = (pairs: number) =>
    judgeAtSpeed({ earlier: groups, history, candidate: candidateRuns.slice(0, pairs + 1), bestReruns: [...bestZero, ...bestPairs.slice(0, pairs)] }, options)
  let pairs = 0
  let { verdict, slope } = verdictAt(0)
  while (verdict._tag === "Confirm" && pairs < Math.min(bestPairs.length, candidateRuns.length - 1)) ({ verdict, slope } = verdictAt(++pairs))
  const now = verdict._tag === "Confirm" ? "more pairs" : verdict._tag.toLowerCase()
  console.log(
    `#${String(record.id).padEnd(3)} ${record.description.slice(0, 36).padEnd(36)} then ${record.status.padEnd(7)} now ${now.padEnd(10)} ` +
      `(${pairs} pair(s), margin ${verdict.evidence.margin.toFixed(4)}, bar ${verdict.evidence.bar.toFixed(4)}, σ ${verdict.evidence.sigma.toFixed(4)}, slope ${(slope ?? 0).toFixed(3)})`
  )
}
