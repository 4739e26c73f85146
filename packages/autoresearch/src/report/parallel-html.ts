// The "Workers" section of the HTML report of a parallel run: each worker's jobs, lost claims
// and busy share, the jobs still in flight, the retried jobs, and the timeline picture.
import type { ExperimentRecord } from "@autoresearch/core"
import type { ParallelSummary } from "../results/parallel.js"
import { formatSeconds } from "../results/parallel-table.js"
import { escapeHtml } from "./html.js"
import { renderTimelineSvg } from "./timeline.js"

export const renderParallelHtml = (summary: ParallelSummary, records: ReadonlyArray<ExperimentRecord>, now: Date): string => {
  const span = summary.start !== null && summary.end !== null ? (Date.parse(summary.end) - Date.parse(summary.start)) / 1000 : 0
  const workers = summary.workers
    .map((w) => {
      const busy = span > 0 ? `${Math.round((100 * w.busySeconds) / span)}%` : "-"
      const doing = w.running !== null ? `#${w.running.experiment} since ${escapeHtml(w.running.since)}` : "idle"
      return `<tr><td><code>${escapeHtml(w.name)}</code></td><td>${w.jobs}</td><td>${w.lostClaims}</td><td>${busy}</td><td>${doing}</td></tr>`
    })
    .join("\n")
  const inFlight =
    summary.inFlight.length === 0
      ? ""
      : `<h3>In flight</h3><ul class="inflight">${summary.inFlight
          .map((job) => {
            const who = job.worker !== null ? `on <code>${escapeHtml(job.worker)}</code> since ${escapeHtml(job.claimedAt!)} (claim ${job.claim}, ${formatSeconds((now.getTime() - Date.parse(job.claimedAt!)) / 1000)})` : `waiting for a worker since ${escapeHtml(job.offeredAt)}`
            return `<li>#${job.experiment}${job.round > 0 ? `.${job.round}` : ""} ${escapeHtml(job.description ?? "")} ${who}</li>`
          })
          .join("")}</ul>`
  const retried =
    summary.retried.length === 0
      ? ""
      : `<p class="retried">Retried (a worker died and the job went to another after its lease): ${summary.retried
          .map((job) => `#${job.experiment} (${job.workers.map(escapeHtml).join(" → ")})`)
          .join(", ")}</p>`
  return `<h2>Workers</h2>
<p>${summary.jobs} training jobs, ${summary.finished} finished, ${summary.inFlight.length} in flight, on ${summary.workers.length} workers.</p>
<table class="workers"><thead><tr><th>worker</th><th>jobs</th><th>lost claims</th><th>busy</th><th>now</th></tr></thead><tbody>
${workers}
</tbody></table>
${inFlight}
${retried}
<div class="chart timeline">${renderTimelineSvg(summary, records)}</div>`
}
