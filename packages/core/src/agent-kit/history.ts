// The history as a compact table: every keep (the path that led to the best canvas) and the
// last few other experiments, each with its change against the best before it.
import type { ExperimentRecord } from "../domain.js"

/** How much of the run's history `renderHistory` shows. */
export interface HistoryOptions {
  /** How many non-keep experiments to show (the most recent). Default 15. */
  readonly recentOthers?: number
}

const formatBpb = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(6))

const formatDelta = (delta: number | undefined) =>
  delta === undefined ? "-" : `${delta > 0 ? "+" : delta < 0 ? "−" : "±"}${Math.abs(delta).toFixed(6)}`

const oneLine = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "/").trim()

const isKept = (record: ExperimentRecord) => record.status === "keep" || (record.baseline && record.metrics !== undefined)

/** Renders the history table; an empty history says so. */
export const renderHistory = (history: ReadonlyArray<ExperimentRecord>, options: HistoryOptions = {}): string => {
  if (history.length === 0) return "No experiments yet: this is the first proposal after the baseline."
  const recentOthers = options.recentOthers ?? 15
  // The delta of each run is against the best val_bpb known when it started.
  let best: number | undefined
  const rows = history.map((record) => {
    const valBpb = record.metrics?.valBpb
    const delta = valBpb !== undefined && best !== undefined ? valBpb - best : undefined
    if (isKept(record) && valBpb !== undefined) best = valBpb
    return { record, valBpb, delta }
  })
  const others = rows.filter((row) => !isKept(row.record))
  const shownOthers = new Set(others.slice(-recentOthers).map((row) => row.record.id))
  const shown = rows.filter((row) => isKept(row.record) || shownOthers.has(row.record.id))
  const kept = rows.length - others.length
  const header = [
    `${history.length} experiments: ${kept} kept, ${others.length} not kept` +
      (others.length > shownOthers.size ? ` (showing the last ${shownOthers.size} of those)` : "") +
      `. Best val_bpb so far: ${formatBpb(best)}.`,
    "Δ is against the best val_bpb at the time; negative is better. lines = non-blank canvas lines.",
    "| # | status | val_bpb | Δ | lines | description |",
    "|---|---|---|---|---|---|"
  ]
  const body = shown.map(({ record, valBpb, delta }) => {
    const status = record.status === "crash" && record.crash ? `crash (${record.crash.reason})` : record.status
    const description = record.baseline ? `baseline${record.description ? `: ${oneLine(record.description)}` : ""}` : oneLine(record.description)
    return `| ${record.id} | ${status} | ${formatBpb(valBpb)} | ${formatDelta(delta)} | ${record.canvasLines ?? "-"} | ${description} |`
  })
  return [...header, ...body].join("\n")
}
