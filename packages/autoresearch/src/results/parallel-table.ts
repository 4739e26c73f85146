// The workers, the jobs in flight and the timeline of a parallel run as text, under the
// results table of `autoresearch results`: one lane per worker, one character per time slice.
import type { ParallelSummary, TimelineBar } from "./parallel.js"

const clock = (iso: string) => iso.slice(11, 19)

export const formatSeconds = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(s < 10 ? 1 : 0)} s`)

/** What a lane shows in one time slice: the outcome of the bar covering most of it. */
const LANE_MARK: Record<TimelineBar["outcome"], string> = { success: "█", running: "▶", crash: "▒", lost: "×" }
const PRIORITY: ReadonlyArray<TimelineBar["outcome"]> = ["lost", "crash", "running", "success"]

export const renderLanes = (summary: ParallelSummary, width: number): ReadonlyArray<string> => {
  if (summary.start === null || summary.end === null) return []
  const from = Date.parse(summary.start)
  const span = Math.max(1, Date.parse(summary.end) - from)
  const nameWidth = Math.max(...summary.workers.map((w) => w.name.length))
  return summary.workers.map((worker) => {
    const cells = Array.from({ length: width }, () => new Set<TimelineBar["outcome"]>())
    for (const bar of summary.timeline.filter((b) => b.worker === worker.name)) {
      const start = Math.floor(((Date.parse(bar.start) - from) / span) * width)
      const end = Math.ceil(((Date.parse(bar.end ?? summary.end!) - from) / span) * width)
      for (let i = Math.max(0, start); i < Math.min(width, Math.max(end, start + 1)); i++) cells[i]!.add(bar.outcome)
    }
    return `  ${worker.name.padEnd(nameWidth)}  ${cells.map((set) => (set.size === 0 ? "·" : LANE_MARK[PRIORITY.find((o) => set.has(o))!])).join("")}`
  })
}

export const renderParallel = (summary: ParallelSummary, options: { readonly width?: number; readonly now?: Date } = {}): string => {
  const now = (options.now ?? new Date()).toISOString()
  const span = summary.start !== null && summary.end !== null ? (Date.parse(summary.end) - Date.parse(summary.start)) / 1000 : 0
  const lines = [`parallel: ${summary.jobs} jobs, ${summary.finished} finished, ${summary.inFlight.length} in flight, on ${summary.workers.length} workers`]
  const nameWidth = Math.max(6, ...summary.workers.map((w) => w.name.length))
  lines.push(`  ${"worker".padEnd(nameWidth)}  jobs  lost  busy     now`)
  for (const w of summary.workers) {
    const busy = span > 0 ? `${Math.round((100 * w.busySeconds) / span)}%` : "-"
    const doing = w.running !== null ? `#${w.running.experiment} since ${clock(w.running.since)} (${formatSeconds((Date.parse(now) - Date.parse(w.running.since)) / 1000)})` : "idle"
    lines.push(`  ${w.name.padEnd(nameWidth)}  ${String(w.jobs).padStart(4)}  ${String(w.lostClaims).padStart(4)}  ${busy.padStart(4)}     ${doing}`)
  }
  if (summary.inFlight.length > 0) {
    lines.push("in flight:")
    for (const job of summary.inFlight) {
      const who = job.worker !== null ? `${job.worker} since ${clock(job.claimedAt!)}${job.claim! > 1 ? ` (claim ${job.claim})` : ""}` : `waiting for a worker since ${clock(job.offeredAt)}`
      lines.push(`  #${job.experiment}${job.round > 0 ? `.${job.round}` : ""}  ${who}  ${job.description ?? ""}`.trimEnd())
    }
  }
  for (const job of summary.retried) lines.push(`retried: #${job.experiment} claimed ${job.workers.length} times (${job.workers.join(" → ")})`)
  const width = options.width ?? 60
  const lanes = renderLanes(summary, width)
  if (lanes.length > 0) {
    lines.push(`timeline ${clock(summary.start!)} → ${clock(summary.end!)} (one column ≈ ${formatSeconds(span / width)}; █ trained  ▒ crashed  × lost claim  ▶ running  · idle):`)
    lines.push(...lanes)
  }
  return lines.join("\n")
}
