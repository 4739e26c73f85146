// Renders a ResultsSummary as the text table of `autoresearch results` (and the running
// table of `autoresearch run`): one row per experiment, then the totals.
import { formatCostTotal } from "@autoresearch/core"
import type { ResultRow, ResultsSummary } from "./summary.js"

export interface TableOptions {
  /** ANSI colours (green keeps, dim discards, red crashes). */
  readonly color?: boolean
  /** Cut descriptions to this many characters. */
  readonly descriptionWidth?: number
}

const paint = (on: boolean, code: number, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text)

export const formatBpb = (value: number | null) => (value === null ? "-" : value.toFixed(6))
export const formatDelta = (value: number | null) =>
  value === null ? "" : value === 0 ? "±0" : `${value > 0 ? "+" : "−"}${Math.abs(value).toFixed(6)}`
const formatPercent = (value: number | null) => (value === null ? "-" : `${(100 * value).toFixed(0)}%`)

/** FLOP/s with an SI prefix (3.2G, 410T), "-" when unknown; `*` marks an experiment re-run for load. */
export const formatThroughput = (row: ResultRow) => {
  if (row.throughput === null) return "-"
  const units = ["", "k", "M", "G", "T", "P", "E"]
  const power = Math.min(units.length - 1, Math.max(0, Math.floor(Math.log10(row.throughput) / 3)))
  return `${(row.throughput / 10 ** (3 * power)).toPrecision(3)}${units[power]}${row.disturbedRuns > 0 ? "*" : ""}`
}
/** The load average at the run's start → end. */
export const formatLoad = (row: ResultRow) => (row.load === null ? "-" : `${row.load.start.toFixed(1)}→${row.load.end.toFixed(1)}`)

const clip = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`)

const statusLabel = (row: ResultRow) => (row.baseline ? "baseline" : row.status)

const rowColor = (row: ResultRow) =>
  row.status === "keep" ? 32 : row.status === "discard" ? 2 : 31

/** One row's cells, as both the table and the streamed rows show them. */
const rowCells = (row: ResultRow, descriptionWidth: number): Array<string> => [
  String(row.id),
  row.commit,
  formatBpb(row.valBpb),
  formatDelta(row.deltaVsBest),
  row.memoryGb === null ? "-" : row.memoryGb.toFixed(1),
  formatThroughput(row),
  formatLoad(row),
  statusLabel(row),
  clip(row.failure !== null && row.status !== "keep" && row.status !== "discard" ? `${row.description} (${row.failure})` : row.description, descriptionWidth)
]

/** The text table of `autoresearch results`: one row per experiment, then the totals. */
export const renderTable = (summary: ResultsSummary, options: TableOptions = {}): string => {
  const color = options.color ?? false
  const width = options.descriptionWidth ?? 60
  const header = ["#", "commit", "val_bpb", "Δ best", "mem GB", "FLOP/s", "load", "status", "description"]
  const cells = summary.rows.map((row) => rowCells(row, width))
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)))
  const numeric = new Set([0, 2, 3, 4, 5, 6])
  const layout = (line: ReadonlyArray<string>) =>
    line
      .map((cell, column) =>
        column === line.length - 1 ? cell : numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)
      )
      .join("  ")
      .trimEnd()
  const lines = [
    paint(color, 1, layout(header)),
    ...cells.map((line, index) => paint(color, rowColor(summary.rows[index]!), layout(line)))
  ]
  return [...lines, "", ...renderTotals(summary)].join("\n")
}

/** The totals lines under the table (counts, keep rate, best, noise floor, agent cost). */
export const renderTotals = (summary: ResultsSummary): ReadonlyArray<string> => {
  const lines = [
    `run ${summary.tag}: ${summary.experiments} experiments, ${summary.kept} kept, ${summary.discarded} discarded, ${summary.crashed} crashed` +
      (summary.invalid > 0 ? `, ${summary.invalid} invalid` : "") +
      (summary.agentErrors > 0 ? `, ${summary.agentErrors} agent errors` : "") +
      `; keep rate ${formatPercent(summary.keepRate)}`
  ]
  if (summary.bestBpb !== null) {
    const repeated = (summary.bestMean?.runs ?? 1) > 1 || (summary.baselineMean?.runs ?? 1) > 1
    const means =
      repeated && summary.bestMean !== null && summary.baselineMean !== null
        ? `; means of all runs: best ${formatBpb(summary.bestMean.valBpb)} (${summary.bestMean.runs}), baseline ${formatBpb(summary.baselineMean.valBpb)} (${summary.baselineMean.runs})`
        : ""
    const gain =
      summary.improvement !== null && summary.improvementPercent !== null
        ? ` (baseline ${formatBpb(summary.baselineBpb)}${means}${means === "" ? "," : ":"} ${formatDelta(-summary.improvement)}, ${summary.improvementPercent.toFixed(2)}% better)`
        : ""
    lines.push(`best val_bpb ${formatBpb(summary.bestBpb)} at ${summary.bestCommit}: ${summary.bestDescription}${gain}`)
  }
  if (summary.noise !== null) {
    const threshold = summary.rows.map((row) => row.threshold).filter((value): value is number => value !== null).at(-1)
    lines.push(
      `noise floor: std ${summary.noise.std.toFixed(6)} over ${summary.noise.samples.length} baseline runs` +
        (threshold !== undefined ? `; a change must beat the best by ${threshold.toFixed(6)}` : "")
    )
  }
  const disturbed = summary.rows.reduce((sum, row) => sum + row.disturbedRuns, 0)
  if (disturbed > 0) {
    lines.push(`* ${disturbed} run(s) disturbed by machine load (throughput outside the band of recent runs) were re-run before deciding`)
  }
  const confirmed = summary.rows.filter((row) => row.confirmation !== null)
  if (confirmed.length > 0) {
    lines.push(`confirmation re-runs: ${confirmed.filter((row) => row.confirmation!.confirmed).length} of ${confirmed.length} candidate keeps confirmed`)
  }
  if (summary.costUsd > 0 || summary.unknownCosts > 0) lines.push(`agent cost ${formatCostTotal({ knownUsd: summary.costUsd, unknown: summary.unknownCosts })}`)
  return lines
}

/** Fixed-width columns for a table printed one row at a time (the live view of `run`). */
const streamColumns = (cells: ReadonlyArray<string>) =>
  `${cells[0]!.padStart(4)}  ${cells[1]!.padEnd(7)}  ${cells[2]!.padStart(9)}  ${cells[3]!.padStart(10)}  ${cells[4]!.padStart(6)}  ${cells[5]!.padStart(6)}  ${cells[6]!.padStart(9)}  ${cells[7]!.padEnd(11)}  ${cells[8]}`

export const streamHeader = () => streamColumns(["#", "commit", "val_bpb", "Δ best", "mem GB", "FLOP/s", "load", "status", "description"])

export const streamRow = (row: ResultRow, options: TableOptions = {}): string =>
  paint(
    options.color ?? false,
    rowColor(row),
    streamColumns(rowCells(row, options.descriptionWidth ?? 70))
  )
