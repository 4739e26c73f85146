// pnpm bench:research [--json] [--experiments 20] [--budget <s>] [--repeats 3] [--confirmations n] [--strategy greedy|best-first|islands] [--keep]
// Research quality end to end, through the CLI a user runs: a fresh workspace on the embedded
// cpu profile, `run --agent search --experiments N`, then `verify --repeats R`, and the figures
// {experiments, baselineBpb, bestBpb, gainPercent (on the means of all their runs in the run),
// firstRunGainPercent, verifiedGainPercent (on verify's fresh seeds), keeps, falseKeeps, hours}. A full run
// (20 experiments at the default budget, 3 repeats of every keep and its parent) takes hours:
// run it on a quiet machine. With --json the last line is one JSON object.
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { Writable } from "node:stream"
import { parseArgs } from "node:util"
import { main } from "../packages/autoresearch/src/cli/main.js"

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    experiments: { type: "string", default: "20" },
    budget: { type: "string" },
    repeats: { type: "string", default: "3" },
    confirmations: { type: "string" },
    strategy: { type: "string", default: "greedy" },
    keep: { type: "boolean", default: false }
  }
})

const log = (text: string) => process.stderr.write(`${text}\n`)

/** One CLI command in-process; its stdout is returned, its stderr (progress) passes through. */
const cli = async (argv: Array<string>, cwd: string): Promise<string> => {
  const chunks: Array<string> = []
  const stdout = new Writable({ write: (chunk, _e, done) => (chunks.push(String(chunk)), done()) })
  const stderr = new Writable({ write: (chunk, _e, done) => (process.stderr.write(chunk), done()) })
  const code = await main(argv, { stdout, stderr, cwd, env: process.env })
  if (code !== 0) throw new Error(`autoresearch ${argv.join(" ")} exited ${code}`)
  return chunks.join("")
}
const lastJson = (text: string) => JSON.parse(text.trim().split("\n").at(-1)!)

const started = Date.now()
const load = loadavg()[0]!
const dir = join(mkdtempSync(join(tmpdir(), "bench-research-")), "ws")
const budget = values.budget !== undefined ? ["--budget", values.budget] : []
const confirmations = values.confirmations !== undefined ? ["--confirmations", values.confirmations] : []
const strategy = ["--strategy", values.strategy!]
try {
  log(`workspace ${dir}; load ${load.toFixed(2)} on ${cpus().length} cores`)
  await cli(["init", dir, "--json"], process.cwd())
  await cli(["prepare", "--json"], dir)
  await cli(["run", "--agent", "search", "--tag", "bench", "--experiments", values.experiments!, ...budget, ...confirmations, ...strategy, "--json"], dir)
  // A run without a keep has nothing to verify: no keep is a false keep.
  if (lastJson(await cli(["results", "--tag", "bench", "--json"], dir)).kept > 0) {
    await cli(["verify", "--tag", "bench", "--repeats", values.repeats!, "--seed", "1", ...budget, "--json"], dir)
  }
  const results = lastJson(await cli(["results", "--tag", "bench", "--json"], dir))
  // The gain on fresh seeds: the mean of verify's repeats of the best commit against those of
  // the baseline (the parent of a first keep), where verify re-trained both.
  const baselineCommit = JSON.parse(readFileSync(join(dir, "runs", "bench", "experiments.jsonl"), "utf8").split("\n")[0]!).commit as string
  const checks = (results.verify?.checks ?? []) as Array<{ commit: string; parent: string; commitMean: number | null; parentMean: number | null }>
  const baselineMean = checks.find((check) => check.parent === baselineCommit)?.parentMean ?? null
  const bestMean = checks.find((check) => check.commit.startsWith(results.bestCommit))?.commitMean ?? null
  const figures = {
    experiments: results.experiments as number,
    // The means of every run of the baseline's and the best's commits (repeats, confirmations,
    // paired re-runs): the gain the run itself measured. firstRunGainPercent: on their first runs.
    baselineBpb: (results.baselineMean?.valBpb ?? null) as number | null,
    bestBpb: (results.bestMean?.valBpb ?? null) as number | null,
    gainPercent: results.improvementPercent as number | null,
    firstRunGainPercent: results.baselineBpb !== null && results.bestBpb !== null ? (100 * (results.baselineBpb - results.bestBpb)) / results.baselineBpb : null,
    verifiedGainPercent: baselineMean !== null && bestMean !== null ? (100 * (baselineMean - bestMean)) / baselineMean : null,
    keeps: results.kept as number,
    falseKeeps: (results.verify?.falseKeeps ?? 0) as number,
    reproduced: (results.verify?.reproduced ?? 0) as number,
    hours: (Date.now() - started) / 3_600_000,
    budgetSeconds: results.verify?.budgetSeconds as number | undefined,
    repeats: Number(values.repeats),
    confirmations: values.confirmations === undefined ? "default" : Number(values.confirmations),
    strategy: values.strategy,
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? "?"}`,
    loadAtStart: load,
    loadAtEnd: loadavg()[0]
  }
  if (values.json) console.log(JSON.stringify(figures))
  else console.table(figures)
} finally {
  if (values.keep) log(`kept ${dir}`)
  else rmSync(join(dir, ".."), { recursive: true, force: true })
}
