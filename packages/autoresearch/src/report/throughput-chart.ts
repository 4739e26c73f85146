// The throughput of every training run of the night, as a standalone SVG: a wall-clock budget
// turns machine load into val_bpb, so the report shows what each run got of the machine. One
// point per run (model FLOP/s, left axis; a disturbed run, re-run before deciding, in red) and
// the 1-minute load average at its end (grey line, right axis). Older records without per-run
// samples give one point per experiment from their metrics, with no load.
import { type ExperimentRecord, throughputOf } from "@autoresearch/core"

export interface ThroughputPoint {
  readonly id: number
  readonly log: string
  readonly throughput: number
  readonly load: number | undefined
  readonly disturbed: boolean
}

/** Every run with a throughput, in the order they ran. */
export const throughputPoints = (records: ReadonlyArray<ExperimentRecord>): ReadonlyArray<ThroughputPoint> =>
  records.flatMap((record): ReadonlyArray<ThroughputPoint> => {
    if (record.runs !== undefined) {
      return record.runs.flatMap((sample) =>
        sample.throughput !== undefined
          ? [{ id: record.id, log: sample.log, throughput: sample.throughput, load: sample.loadEnd, disturbed: sample.disturbed === true }]
          : []
      )
    }
    const throughput = record.metrics !== undefined ? throughputOf(record.metrics) : undefined
    return throughput !== undefined ? [{ id: record.id, log: `${record.id}.log`, throughput, load: undefined, disturbed: false }] : []
  })

const round = (value: number) => Math.round(value * 10) / 10

const si = (value: number) => {
  const units = ["", "k", "M", "G", "T", "P"]
  const power = Math.min(units.length - 1, Math.max(0, Math.floor(Math.log10(Math.max(value, 1)) / 3)))
  return `${(value / 10 ** (3 * power)).toPrecision(3)}${units[power]}`
}

export const renderThroughputSvg = (records: ReadonlyArray<ExperimentRecord>, width = 1200, height = 260): string => {
  const points = throughputPoints(records)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`
  ]
  if (points.length === 0) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="14" fill="#888">the trainer reports no model size: no throughput to show</text>`, "</svg>")
    return parts.join("\n")
  }
  const margin = { left: 80, right: 60, top: 20, bottom: 40 }
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom
  const high = Math.max(...points.map((point) => point.throughput)) * 1.1
  const loads = points.flatMap((point) => (point.load !== undefined ? [point.load] : []))
  const loadHigh = Math.max(1, ...loads) * 1.1
  const x = (index: number) => margin.left + (points.length === 1 ? plotWidth / 2 : (index / (points.length - 1)) * plotWidth)
  const y = (value: number, top: number) => margin.top + (1 - value / top) * plotHeight
  for (const fraction of [0, 0.5, 1]) {
    const value = high * fraction
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${round(y(value, high))}" y2="${round(y(value, high))}" stroke="#eee"/>`,
      `<text x="${margin.left - 8}" y="${round(y(value, high)) + 4}" text-anchor="end" font-size="12" fill="#555">${si(value)}</text>`,
      `<text x="${width - margin.right + 8}" y="${round(y(loadHigh * fraction, loadHigh)) + 4}" font-size="12" fill="#999">${(loadHigh * fraction).toFixed(1)}</text>`
    )
  }
  parts.push(
    `<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="13" fill="#333">model FLOP/s</text>`,
    `<text transform="translate(${width - 12} ${margin.top + plotHeight / 2}) rotate(90)" text-anchor="middle" font-size="13" fill="#999">load average</text>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle" font-size="13" fill="#333">training runs in order (red: disturbed by load, re-run)</text>`
  )
  const loadPath = points.flatMap((point, index) => (point.load !== undefined ? [`${round(x(index))},${round(y(point.load, loadHigh))}`] : []))
  if (loadPath.length > 1) parts.push(`<polyline class="load" points="${loadPath.join(" ")}" fill="none" stroke="#bbb" stroke-width="1.5"/>`)
  points.forEach((point, index) => {
    const fill = point.disturbed ? "#cf222e" : "#1f77b4"
    const load = point.load !== undefined ? `, load ${point.load.toFixed(2)}` : ""
    parts.push(
      `<circle class="run${point.disturbed ? " disturbed" : ""}" cx="${round(x(index))}" cy="${round(y(point.throughput, high))}" r="${point.disturbed ? 5 : 3.5}" fill="${fill}"><title>#${point.id} ${point.log}: ${si(point.throughput)}FLOP/s${load}</title></circle>`
    )
  })
  parts.push("</svg>")
  return parts.join("\n")
}
