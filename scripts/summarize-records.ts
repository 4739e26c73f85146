// pnpm exec tsx --conditions=source scripts/summarize-records.ts <experiments.jsonl> [--json]
// `autoresearch results` for a records file outside a workspace (e.g. a benchmark's records
// kept under docs/research-bench/): the same table, totals and --json shape.
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { parseRecords } from "../packages/autoresearch/src/results/records.js"
import { summarize } from "../packages/autoresearch/src/results/summary.js"
import { renderTable } from "../packages/autoresearch/src/results/table.js"

const { positionals, values } = parseArgs({ allowPositionals: true, options: { json: { type: "boolean", default: false } } })
if (positionals.length !== 1) {
  console.error("usage: tsx scripts/summarize-records.ts <experiments.jsonl> [--json]")
  process.exit(2)
}
const summary = summarize("records", parseRecords(readFileSync(positionals[0]!, "utf8"), positionals[0]!))
console.log(values.json ? JSON.stringify(summary) : renderTable(summary))
