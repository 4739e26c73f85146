// A self-contained HTML report of one run: the totals, the progress chart (inline SVG) and
// every experiment with its outcome. No scripts, no external assets: one file to share.
import type { ExperimentRecord } from "@autoresearch/core"
import type { ResultsSummary } from "../results/summary.js"
import { formatBpb, formatDelta, formatLoad, formatThroughput, renderTotals } from "../results/table.js"
import { branched } from "../results/tree.js"
import { renderChartSvg } from "./chart.js"
import { renderTreeSvg } from "./tree-chart.js"
import type { ParallelSummary } from "../results/parallel.js"
import { renderParallelHtml } from "./parallel-html.js"
import { renderThroughputSvg } from "./throughput-chart.js"

export const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const statusClass = (status: string, baseline: boolean) => (baseline ? "baseline" : status)

/** A self-contained HTML report of one run: totals, the chart, the experiments and the kept diffs. */
export const renderHtmlReport = (
  summary: ResultsSummary,
  records: ReadonlyArray<ExperimentRecord>,
  options: {
    readonly generatedAt?: Date
    readonly program?: string
    readonly diffs?: ReadonlyMap<number, string>
    /** The run's last `verify` report as text, and its research notes. */
    readonly verify?: string
    readonly notes?: string
    /** A parallel run's workers, jobs in flight and timeline (see results/parallel.ts). */
    readonly parallel?: ParallelSummary
  } = {}
): string => {
  const rows = summary.rows
    .map((row, index) => {
      const record = records[index]!
      const failure = row.failure !== null && row.status !== "keep" && row.status !== "discard" ? `<div class="why">${escapeHtml(row.failure)}</div>` : ""
      const diff = options.diffs?.get(row.id)
      const change = diff !== undefined && diff !== "" ? `<details><summary>diff</summary><pre class="diff">${escapeHtml(diff)}</pre></details>` : ""
      const evidence = record.evidence
      const judged =
        evidence !== undefined
          ? `<div class="evidence">${evidence.bestReruns.length > 0 ? `${evidence.bestReruns.length} paired re-run(s) with the best` : `1 run vs ${evidence.bestRuns.length} of the best`} · margin ${evidence.margin.toFixed(4)} (needed ${evidence.bar.toFixed(4)}) · σ ${evidence.sigma.toFixed(4)}${row.disturbedRuns > 0 ? ` · ${row.disturbedRuns} run(s) disturbed by load, re-run` : ""}</div>`
          : ""
      const tail = record.crash !== undefined && record.crash.logTail !== "" ? `<details><summary>log tail</summary><pre>${escapeHtml(record.crash.logTail)}</pre></details>` : ""
      return `<tr class="${statusClass(row.status, row.baseline)}"><td>${row.id}</td><td><code>${escapeHtml(row.commit)}</code></td><td>${formatBpb(row.valBpb)}</td><td>${formatDelta(row.deltaVsBest)}</td><td>${row.memoryGb === null ? "-" : row.memoryGb.toFixed(1)}</td><td>${formatThroughput(row)}</td><td>${formatLoad(row)}</td><td>${row.baseline ? "baseline" : row.status}</td><td>${escapeHtml(row.description)}${failure}${judged}${change}${tail}</td></tr>`
    })
    .join("\n")
  const program = options.program !== undefined ? `<h2>program.md</h2><pre class="program">${escapeHtml(options.program)}</pre>` : ""
  const verify = options.verify !== undefined ? `<h2>Do the keeps reproduce? (autoresearch verify)</h2><pre class="verify">${escapeHtml(options.verify)}</pre>` : ""
  const notes = options.notes !== undefined && options.notes.trim() !== "" ? `<h2>Research notes</h2><pre class="notes">${escapeHtml(options.notes)}</pre>` : ""
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>autoresearch report: ${escapeHtml(summary.tag)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font-family: system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 1240px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } .totals { background: #f6f8fa; padding: .75rem 1rem; border-radius: 6px; line-height: 1.6; }
.chart svg { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
td:nth-child(3), td:nth-child(4), td:nth-child(5), td:nth-child(6), td:nth-child(7) { font-variant-numeric: tabular-nums; text-align: right; }
tr.keep td:nth-child(8) { color: #1a7f37; font-weight: 600; } tr.baseline td:nth-child(8) { color: #1f6feb; font-weight: 600; }
tr.discard { color: #666; } tr.crash td:nth-child(8), tr.invalid td:nth-child(8), tr.agent_error td:nth-child(8) { color: #cf222e; }
.why { color: #cf222e; font-size: .8rem; } .evidence { color: #666; font-size: .8rem; } pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; font-size: .8rem; }
</style></head><body>
<h1>autoresearch: run <code>${escapeHtml(summary.tag)}</code></h1>
<div class="totals">${renderTotals(summary).map(escapeHtml).join("<br>")}</div>
<h2>Progress</h2>
<div class="chart">${renderChartSvg(records)}</div>
<h2>Throughput per run</h2>
<div class="chart">${renderThroughputSvg(records)}</div>
${branched(records) ? `<h2>Search tree</h2>\n<div class="chart tree">${renderTreeSvg(summary.tree)}</div>` : ""}
${options.parallel !== undefined ? renderParallelHtml(options.parallel, records, options.generatedAt ?? new Date()) : ""}
<h2>Experiments</h2>
<table><thead><tr><th>#</th><th>commit</th><th>val_bpb</th><th>Δ best</th><th>mem GB</th><th>FLOP/s</th><th>load</th><th>status</th><th>description</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${verify}
${notes}
${program}
<p style="color:#888;font-size:.8rem">generated ${escapeHtml((options.generatedAt ?? new Date()).toISOString())} by autoresearch</p>
</body></html>
`
}
