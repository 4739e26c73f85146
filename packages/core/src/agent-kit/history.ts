// The history as the agent reads it, bounded however long the night: the baseline, the most
// recent keeps (the path to the best canvas) and the most recent other experiments in full,
// each with its change against the best before it; every older experiment summarised by the
// change it made (per parameter and direction: tried, kept, crashed, best). Deterministic: the
// same records give the same text.
import type { ExperimentRecord } from "../domain.js"

/** How much of the run's history `renderHistory` shows. */
export interface HistoryOptions {
  /** How many non-keep experiments to show in full (the most recent). Default 15. */
  readonly recentOthers?: number
  /** How many keeps to show in full (the most recent; the baseline always). Default 20. */
  readonly keptRows?: number
  /** Rows of the summary of the older experiments (the most tried changes). Default 30. */
  readonly summaryRows?: number
}

/** The longest description shown in a row: a long one is cut, so the history stays within its size. */
const DESCRIPTION_CHARS = 160

const formatBpb = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(6))

const formatDelta = (delta: number | undefined) =>
  delta === undefined ? "-" : `${delta > 0 ? "+" : delta < 0 ? "−" : "±"}${Math.abs(delta).toFixed(6)}`

const oneLine = (text: string, width = DESCRIPTION_CHARS) => {
  const line = text.replace(/\s+/g, " ").replace(/\|/g, "/").trim()
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`
}

const isKept = (record: ExperimentRecord) => record.status === "keep" || (record.baseline && record.metrics !== undefined)

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?`
const NUMERIC_CHANGE = new RegExp(String.raw`^\s*([A-Za-z_][\w.]*)\s*[:=]?\s*(${NUMBER})\s*(?:->|→|=>)\s*(${NUMBER})(?![\w.])`, "i")
const OTHER_CHANGE = /^\s*([A-Za-z_][\w.]*)\s*[:=]?\s*(\S+)\s*(?:->|→|=>)\s*(\S+)/

/**
 * The kind of change a description names: `NAME up` / `NAME down` for "NAME 0.04 -> 0.06",
 * `NAME → value` for "NAME a -> b", else the description with its numbers as `#`.
 */
export const changeOf = (description: string): string => {
  const numeric = NUMERIC_CHANGE.exec(description)
  if (numeric !== null) {
    const [from, to] = [Number(numeric[2]), Number(numeric[3])]
    return `${numeric[1]} ${to > from ? "up" : to < from ? "down" : "unchanged"}`
  }
  const other = OTHER_CHANGE.exec(description)
  if (other !== null) return `${other[1]} → ${oneLine(other[3]!, 40)}`
  return oneLine(description.toLowerCase().replace(new RegExp(NUMBER, "gi"), "#"), 60)
}

interface Row {
  readonly record: ExperimentRecord
  readonly valBpb: number | undefined
  /** Against the best val_bpb known when it started; negative is better. */
  readonly delta: number | undefined
}

interface Group {
  readonly change: string
  readonly first: number
  tried: number
  kept: number
  crashed: number
  best: Row | undefined
}

const count = (groups: ReadonlyArray<Group>, of: (group: Group) => number) => groups.reduce((sum, group) => sum + of(group), 0)

const summarise = (rows: ReadonlyArray<Row>, limit: number): Array<string> => {
  const groups = new Map<string, Group>()
  for (const row of rows) {
    const change = changeOf(row.record.description)
    const group = groups.get(change) ?? { change, first: row.record.id, tried: 0, kept: 0, crashed: 0, best: undefined }
    groups.set(change, group)
    group.tried++
    if (row.record.status === "keep") group.kept++
    if (row.record.status === "crash") group.crashed++
    if (row.valBpb !== undefined && row.record.status !== "crash" && (group.best?.valBpb === undefined || row.valBpb < group.best.valBpb)) group.best = row
  }
  const ordered = [...groups.values()].sort((a, b) => b.tried - a.tried || a.first - b.first)
  const shown = ordered.slice(0, limit)
  const rest = ordered.slice(limit)
  const first = rows[0]!.record.id
  const last = rows.at(-1)!.record.id
  return [
    `Older experiments, summarised by the change they made (${rows.length} experiment${rows.length === 1 ? "" : "s"} between #${first} and #${last}):`,
    "| change | tried | kept | crashed | best val_bpb (#) | its Δ |",
    "|---|---|---|---|---|---|",
    ...shown.map(
      (group) =>
        `| ${group.change} | ${group.tried} | ${group.kept} | ${group.crashed} | ${group.best ? `${formatBpb(group.best.valBpb)} (#${group.best.record.id})` : "-"} | ${formatDelta(group.best?.delta)} |`
    ),
    ...(rest.length > 0
      ? [`… and ${rest.length} other changes in ${count(rest, (group) => group.tried)} experiments (${count(rest, (group) => group.kept)} kept).`]
      : []),
    ""
  ]
}

/** Renders the history; an empty history says so. */
export const renderHistory = (history: ReadonlyArray<ExperimentRecord>, options: HistoryOptions = {}): string => {
  if (history.length === 0) return "No experiments yet: this is the first proposal after the baseline."
  const recentOthers = options.recentOthers ?? 15
  const keptRows = options.keptRows ?? 20
  let best: Row | undefined
  const rows = history.map((record): Row => {
    const valBpb = record.metrics?.valBpb
    const row = { record, valBpb, delta: valBpb !== undefined && best?.valBpb !== undefined ? valBpb - best.valBpb : undefined }
    if (isKept(record) && valBpb !== undefined) best = row
    return row
  })
  const kept = rows.filter((row) => isKept(row.record))
  const others = rows.filter((row) => !isKept(row.record))
  const full = new Set([
    ...kept.filter((row) => row.record.baseline).map((row) => row.record.id),
    ...kept.slice(-keptRows).map((row) => row.record.id),
    ...others.slice(-recentOthers).map((row) => row.record.id)
  ])
  const older = rows.filter((row) => !full.has(row.record.id))
  const header = [
    `${history.length} experiments: ${kept.length} kept, ${others.length} not kept.` +
      (best !== undefined ? ` Best val_bpb so far: ${formatBpb(best.valBpb)} (#${best.record.id}: ${oneLine(best.record.baseline ? "baseline" : best.record.description)}).` : ""),
    ""
  ]
  const table = [
    older.length > 0 ? `The baseline, the last ${Math.min(keptRows, kept.length)} keeps and the last ${Math.min(recentOthers, others.length)} other experiments in full:` : "Every experiment:",
    "Δ is against the best val_bpb at the time; negative is better. lines = non-blank canvas lines.",
    "| # | status | val_bpb | Δ | lines | description |",
    "|---|---|---|---|---|---|",
    ...rows
      .filter((row) => full.has(row.record.id))
      .map(({ record, valBpb, delta }) => {
        const status = record.status === "crash" && record.crash ? `crash (${record.crash.reason})` : record.status
        const description = record.baseline ? `baseline${record.description ? `: ${oneLine(record.description)}` : ""}` : oneLine(record.description)
        return `| ${record.id} | ${status} | ${formatBpb(valBpb)} | ${formatDelta(delta)} | ${record.canvasLines ?? "-"} | ${description} |`
      })
  ]
  return [...header, ...(older.length > 0 ? summarise(older, options.summaryRows ?? 30) : []), ...table].join("\n")
}
