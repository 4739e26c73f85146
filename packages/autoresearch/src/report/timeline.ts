// The timeline of a parallel run as an SVG: one lane per worker, one bar per claim of a job,
// from its start to its end (kept: green, discarded: grey, crashed: red, lost claim: red
// outline, running: blue), labelled with the experiment's number where it fits.
import type { ExperimentRecord } from "@autoresearch/core"
import type { ParallelSummary, TimelineBar } from "../results/parallel.js"

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const FILL = { keep: "#2ca02c", discard: "#b8bcc2", crash: "#d62728", running: "#1f6feb", lost: "#ffffff", other: "#8c6d31" } as const

const fillOf = (bar: TimelineBar, status: ReadonlyMap<number, string>) => {
  if (bar.outcome === "running") return FILL.running
  if (bar.outcome === "lost") return FILL.lost
  if (bar.outcome === "crash") return FILL.crash
  const decided = status.get(bar.experiment)
  return decided === "keep" ? FILL.keep : decided === "discard" || decided === undefined ? FILL.discard : FILL.other
}

/** A tick step in seconds that gives about `count` ticks over `span` seconds. */
const tickStep = (span: number, count: number) => [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400].find((s) => span / s <= count) ?? 28800

export const renderTimelineSvg = (
  summary: ParallelSummary,
  records: ReadonlyArray<ExperimentRecord>,
  options: { readonly width?: number } = {}
): string => {
  const width = options.width ?? 1200
  const lane = 24
  const margin = { left: 130, right: 20, top: 44, bottom: 40 }
  const height = margin.top + margin.bottom + Math.max(1, summary.workers.length) * lane
  const plotWidth = width - margin.left - margin.right
  const from = summary.start !== null ? Date.parse(summary.start) : 0
  const span = summary.end !== null ? Math.max(1, (Date.parse(summary.end) - from) / 1000) : 1
  const x = (iso: string) => margin.left + ((Date.parse(iso) - from) / 1000 / span) * plotWidth
  const status = new Map(records.map((r) => [r.id, r.status]))
  const parts: Array<string> = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="24" font-size="16" fill="#222">${escapeXml(`timeline: ${summary.finished} of ${summary.jobs} jobs on ${summary.workers.length} workers${summary.retried.length > 0 ? `, ${summary.retried.length} retried` : ""}`)}</text>`
  ]
  const step = tickStep(span, 10)
  for (let t = 0; t <= span + 1e-9; t += step) {
    const tx = margin.left + (t / span) * plotWidth
    const label = step >= 60 ? `${Math.round(t / 60)} min` : `${Math.round(t)} s`
    parts.push(`<line x1="${tx.toFixed(1)}" y1="${margin.top}" x2="${tx.toFixed(1)}" y2="${height - margin.bottom}" stroke="#eeeeee"/>`)
    parts.push(`<text x="${tx.toFixed(1)}" y="${height - margin.bottom + 16}" font-size="11" fill="#666" text-anchor="middle">${label}</text>`)
  }
  summary.workers.forEach((worker, i) => {
    const y = margin.top + i * lane
    parts.push(`<text class="worker" x="${margin.left - 8}" y="${y + lane / 2 + 4}" font-size="12" fill="#333" text-anchor="end">${escapeXml(worker.name)}</text>`)
    for (const bar of summary.timeline.filter((b) => b.worker === worker.name)) {
      const x0 = x(bar.start)
      const w = Math.max(2, x(bar.end ?? summary.end!) - x0)
      const label = `#${bar.experiment}${bar.round > 0 ? `.${bar.round}` : ""}`
      const stroke = bar.outcome === "lost" ? ` stroke="${FILL.crash}" stroke-dasharray="4 2"` : ""
      parts.push(
        `<rect class="bar ${bar.outcome}" x="${x0.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${lane - 6}" rx="2" fill="${fillOf(bar, status)}"${stroke}><title>${escapeXml(`${label} ${bar.outcome} on ${worker.name} (claim ${bar.claim})`)}</title></rect>`
      )
      if (w >= label.length * 7 + 4) parts.push(`<text x="${(x0 + 3).toFixed(1)}" y="${y + lane / 2 + 4}" font-size="11" fill="${bar.outcome === "lost" ? FILL.crash : "#111"}">${escapeXml(label)}</text>`)
    }
  })
  parts.push(`<text x="${width - margin.right}" y="${height - 8}" font-size="11" fill="#666" text-anchor="end">green kept · grey discarded · red crashed · dashed: lost claim (worker died) · blue running</text>`)
  parts.push("</svg>")
  return parts.join("\n")
}
