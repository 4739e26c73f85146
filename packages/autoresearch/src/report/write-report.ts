// `autoresearch report`: writes progress.svg, progress.png and report.html for one run into
// its folder (or another directory).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { ExperimentRecord } from "@autoresearch/core"
import { summarize } from "../results/summary.js"
import { renderChartSvg } from "./chart.js"
import { renderHtmlReport } from "./html.js"
import { renderPng } from "./png.js"
import { branched, searchTree } from "../results/tree.js"
import { renderTreeSvg } from "./tree-chart.js"

export interface ReportFiles {
  readonly svg: string
  readonly png: string | null
  /** Why no PNG was written, when it was not. */
  readonly pngSkipped: string | null
  readonly html: string
  readonly points: number
  /** The search tree's SVG and PNG, for a run whose strategy branches (else null). */
  readonly tree: string | null
  readonly treePng: string | null
}

export const chartSize = { width: 1200, height: 600 } as const

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
      ...(options.notes !== undefined ? { notes: options.notes } : {})
    }))
  const treeSvg = join(options.outDir, "tree.svg")
  const treePng = join(options.outDir, "tree.png")
  let tree: { svg: string; png: string | null } | null = null
  if (branched(options.records)) {
    const picture = renderTreeSvg(searchTree(options.records), chartSize)
    writeFileSync(treeSvg, picture)
    const drawn = options.png === false ? undefined : await renderPng(picture, treePng, chartSize.width)
    tree = { svg: treeSvg, png: drawn?.written === true ? treePng : null }
  }
  const rendered = options.png === false ? { written: false as const, reason: "PNG not requested" } : await renderPng(chart, png, chartSize.width)
  return {
    svg,
    png: rendered.written ? png : null,
    pngSkipped: rendered.written ? null : rendered.reason,
    html,
    points: (chart.match(/class="point /g) ?? []).length,
    tree: tree?.svg ?? null,
    treePng: tree?.png ?? null
  }
}
