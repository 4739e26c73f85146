// `autoresearch report`: writes progress.svg, progress.png and report.html for one run into
// its folder (or another directory).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { ExperimentRecord } from "@autoresearch/core"
import { summarize } from "../results/summary.js"
import { renderChartSvg } from "./chart.js"
import { renderHtmlReport } from "./html.js"
import { renderPng } from "./png.js"
import type { ParallelSummary } from "../results/parallel.js"
import { renderTimelineSvg } from "./timeline.js"

/** timeline.svg (and .png) of a parallel run: which worker trained what, when. */
const writeTimeline = async (outDir: string, parallel: ParallelSummary, records: ReadonlyArray<ExperimentRecord>, png: boolean) => {
  const svg = join(outDir, "timeline.svg")
  const picture = renderTimelineSvg(parallel, records, { width: chartSize.width })
  writeFileSync(svg, picture)
  const rendered = png ? await renderPng(picture, join(outDir, "timeline.png"), chartSize.width) : undefined
  return { svg, png: rendered?.written === true ? rendered.path : null }
}

/** The files `writeReport` wrote (paths), and why a PNG was skipped if it was. */
export interface ReportFiles {
  readonly svg: string
  readonly png: string | null
  /** Why no PNG was written, when it was not. */
  readonly pngSkipped: string | null
  readonly html: string
  readonly points: number
  /** A parallel run's timeline (one lane per worker), when the run has a job log. */
  readonly timeline: { readonly svg: string; readonly png: string | null } | null
}

export const chartSize = { width: 1200, height: 600 } as const

/** Writes a run's report (SVG and PNG chart, HTML page) and says which files it wrote. */
export const writeReport = async (options: {
  readonly tag: string
  readonly records: ReadonlyArray<ExperimentRecord>
  readonly outDir: string
  readonly programFile?: string
  /** Diffs of the kept changes by experiment id (see keptDiffs), shown in the HTML report. */
  readonly diffs?: ReadonlyMap<number, string>
  /** The last `verify` report as text, and the run's research notes (shown in the HTML). */
  readonly verify?: string
  readonly notes?: string
  readonly png?: boolean
  readonly parallel?: ParallelSummary
}): Promise<ReportFiles> => {
  mkdirSync(options.outDir, { recursive: true })
  const svg = join(options.outDir, "progress.svg")
  const html = join(options.outDir, "report.html")
  const png = join(options.outDir, "progress.png")
  const chart = renderChartSvg(options.records, chartSize)
  writeFileSync(svg, chart)
  const program = options.programFile !== undefined && existsSync(options.programFile) ? readFileSync(options.programFile, "utf8") : undefined
  writeFileSync(html, renderHtmlReport(summarize(options.tag, options.records), options.records, {
      ...(program !== undefined ? { program } : {}),
      ...(options.diffs !== undefined ? { diffs: options.diffs } : {}),
      ...(options.verify !== undefined ? { verify: options.verify } : {}),
      ...(options.notes !== undefined ? { notes: options.notes } : {}),
      ...(options.parallel !== undefined ? { parallel: options.parallel } : {})
    }))
  const rendered = options.png === false ? { written: false as const, reason: "PNG not requested" } : await renderPng(chart, png, chartSize.width)
  const timeline = options.parallel !== undefined ? await writeTimeline(options.outDir, options.parallel, options.records, options.png !== false) : null
  return {
    timeline,
    svg,
    png: rendered.written ? png : null,
    pngSkipped: rendered.written ? null : rendered.reason,
    html,
    points: (chart.match(/class="point /g) ?? []).length
  }
}
