// The progress chart of the reference's analysis, as a standalone SVG: every experiment
// with a measured val_bpb is one point (discarded: faint grey; kept: green, labelled with
// its description; the baseline at the left), and the running best is a step line.
// Crashes have no metric and are not plotted.
import type { ExperimentRecord } from "@autoresearch/core"

/** Size and title of the progress chart. */
export interface ChartOptions {
  readonly width?: number
  readonly height?: number
  readonly title?: string
}

/** One experiment on the chart: its id, val_bpb and status. */
export interface ChartPoint {
  readonly id: number
  readonly valBpb: number
  readonly kind: "baseline" | "kept" | "discarded"
  readonly description: string
}

/** The points of the chart, in experiment order: one per non-crash experiment with a metric. */
export const chartPoints = (records: ReadonlyArray<ExperimentRecord>): ReadonlyArray<ChartPoint> =>
  records.flatMap((record): ReadonlyArray<ChartPoint> => {
    if (record.status === "crash" || record.metrics === undefined || !Number.isFinite(record.metrics.valBpb)) return []
    const kind = record.baseline ? "baseline" : record.status === "keep" ? "kept" : "discarded"
    return [{ id: record.id, valBpb: record.metrics.valBpb, kind, description: record.description }]
  })

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const round = (value: number) => Math.round(value * 10) / 10

/** "Nice" tick values covering [low, high]. */
const ticks = (low: number, high: number, count: number): ReadonlyArray<number> => {
  const span = high - low || 1
  const raw = span / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((candidate) => candidate >= raw) ?? raw
  const values: Array<number> = []
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) values.push(value)
  return values
}

const decimalsFor = (values: ReadonlyArray<number>) => {
  const step = values.length > 1 ? Math.abs(values[1]! - values[0]!) : 1
  return Math.min(6, Math.max(2, -Math.floor(Math.log10(step)) + 1))
}

/**
 * The progress chart of a run (val_bpb per experiment, the running best) as an SVG document.
 *
 * @example
 * writeFileSync("progress.svg", renderChartSvg(readRecords("/home/me/research", "nov27")))
 */
export const renderChartSvg = (records: ReadonlyArray<ExperimentRecord>, options: ChartOptions = {}): string => {
  const width = options.width ?? 1200
  const height = options.height ?? 600
  const points = chartPoints(records)
  const kept = points.filter((p) => p.kind === "kept").length
  const title = options.title ?? `autoresearch progress: ${points.length} experiments, ${kept} kept improvement${kept === 1 ? "" : "s"}`
  const margin = { left: 80, right: 30, top: 50, bottom: 60 }
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom

  const parts: Array<string> = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="18" fill="#222">${escapeXml(title)}</text>`
  )
  if (points.length === 0) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="16" fill="#888">no measured experiments yet</text>`, `</svg>`)
    return parts.join("\n")
  }

  // The y range follows the improvements: far-off failures are clamped to the top edge
  // so one bad run does not flatten the interesting part of the chart.
  const running: Array<number> = []
  let best = Infinity
  for (const point of points) {
    if (point.kind !== "discarded") best = Math.min(best, point.valBpb)
    running.push(best)
  }
  const baseline = points.find((point) => point.kind === "baseline")?.valBpb ?? points[0]!.valBpb
  const low = Math.min(...points.map((point) => point.valBpb))
  const spread = Math.max(baseline - low, 0.01)
  const high = Math.min(Math.max(...points.map((point) => point.valBpb)), baseline + spread)
  const pad = (high - low || spread) * 0.08
  const yLow = low - pad
  const yHigh = high + pad
  const maxId = Math.max(...points.map((point) => point.id))
  const minId = Math.min(...points.map((point) => point.id))
  // half an experiment of room on each side: the baseline sits at the left edge
  const xLow = minId - 0.5
  const xHigh = maxId + 0.5
  const x = (id: number) => margin.left + ((id - xLow) / (xHigh - xLow)) * plotWidth
  const y = (value: number) => margin.top + (1 - (Math.min(value, yHigh) - yLow) / (yHigh - yLow)) * plotHeight

  // axes and grid
  const yTicks = ticks(yLow, yHigh, 6)
  const decimals = decimalsFor(yTicks)
  for (const tick of yTicks) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="#eee"/>`,
      `<text x="${margin.left - 8}" y="${round(y(tick)) + 4}" text-anchor="end" font-size="12" fill="#555">${tick.toFixed(decimals)}</text>`
    )
  }
  for (const tick of ticks(minId, maxId, Math.min(10, maxId - minId || 1)).filter((value) => Number.isInteger(value) && value >= minId)) {
    parts.push(`<text x="${round(x(tick))}" y="${height - margin.bottom + 18}" text-anchor="middle" font-size="12" fill="#555">${tick}</text>`)
  }
  parts.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="#999"/>`,
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="#999"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 15}" text-anchor="middle" font-size="14" fill="#333">experiment #</text>`,
    `<text transform="translate(20 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="14" fill="#333">validation bits per byte (lower is better)</text>`
  )

  // running best, a step line that moves only on keeps
  const steps: Array<string> = []
  points.forEach((point, index) => {
    const value = running[index]!
    if (index === 0) steps.push(`M${round(x(point.id))},${round(y(value))}`)
    else steps.push(`H${round(x(point.id))}`, `V${round(y(value))}`)
  })
  steps.push(`H${round(x(maxId))}`)
  parts.push(`<path class="running-best" d="${steps.join(" ")}" fill="none" stroke="#2ca02c" stroke-width="2" stroke-opacity="0.7"/>`)

  // discarded first so kept points sit on top
  const ordered = [...points.filter((p) => p.kind === "discarded"), ...points.filter((p) => p.kind !== "discarded")]
  for (const point of ordered) {
    const cx = round(x(point.id))
    const cy = round(y(point.valBpb))
    const tooltip = `<title>#${point.id} ${escapeXml(point.description)}: ${point.valBpb.toFixed(6)}</title>`
    if (point.kind === "discarded") {
      parts.push(`<circle class="point discarded" data-id="${point.id}" cx="${cx}" cy="${cy}" r="4" fill="#999" fill-opacity="0.35">${tooltip}</circle>`)
    } else {
      const fill = point.kind === "baseline" ? "#1f77b4" : "#2ca02c"
      // labels near the right edge grow leftwards so they stay inside the picture
      const leftwards = cx > margin.left + plotWidth * 0.8
      const lx = leftwards ? cx - 8 : cx + 8
      parts.push(
        `<circle class="point ${point.kind}" data-id="${point.id}" cx="${cx}" cy="${cy}" r="6" fill="${fill}" stroke="#fff" stroke-width="1.5">${tooltip}</circle>`,
        `<text class="label" x="${lx}" y="${cy - 8}" font-size="11" fill="#1a5e1a"${leftwards ? ' text-anchor="end"' : ""} transform="rotate(${leftwards ? 20 : -20} ${lx} ${cy - 8})">${escapeXml(point.kind === "baseline" ? "baseline" : truncate(point.description, 48))}</text>`
      )
    }
  }

  // legend: in the bottom margin, right of the axis title, so it never hides a point
  const legendX = width - margin.right - 300
  const legendY = height - 15
  parts.push(
    `<g font-size="12" fill="#333">`,
    `<circle cx="${legendX}" cy="${legendY - 4}" r="4" fill="#999" fill-opacity="0.35"/><text x="${legendX + 10}" y="${legendY}">discarded</text>`,
    `<circle cx="${legendX + 100}" cy="${legendY - 4}" r="6" fill="#2ca02c"/><text x="${legendX + 110}" y="${legendY}">kept</text>`,
    `<line x1="${legendX + 170}" x2="${legendX + 184}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#2ca02c" stroke-width="2"/><text x="${legendX + 190}" y="${legendY}">running best</text>`,
    `</g>`,
    `</svg>`
  )
  return parts.join("\n")
}

const truncate = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`)
