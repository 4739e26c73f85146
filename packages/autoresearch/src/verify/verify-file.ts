// runs/<tag>/verify.json: the last `autoresearch verify` of a run, read back by `results`.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Schema } from "effect"
import { runDir } from "../results/records.js"
import { UserError } from "../user-error.js"
import type { VerifyReport } from "./verify-keeps.js"

const Mean = Schema.NullOr(Schema.Number)
const VerifyReportSchema = Schema.Struct({
  tag: Schema.String,
  repeats: Schema.Number,
  seeds: Schema.Array(Schema.Number),
  budgetSeconds: Schema.Number,
  sigma: Schema.Number,
  dof: Schema.Number,
  checks: Schema.Array(
    Schema.Struct({
      id: Schema.Number,
      description: Schema.String,
      commit: Schema.String,
      parent: Schema.String,
      commitRuns: Schema.Array(Schema.Number),
      parentRuns: Schema.Array(Schema.Number),
      commitMean: Mean,
      parentMean: Mean,
      commitStd: Mean,
      parentStd: Mean,
      gain: Mean,
      verdict: Schema.Literal("reproduces", "unclear", "false")
    })
  ),
  reproduced: Schema.Number,
  falseKeeps: Schema.Number,
  verifiedAt: Schema.String
})

export const verifyFile = (workspace: string, tag: string) => join(runDir(workspace, tag), "verify.json")

/** Written whole to a temporary file, then renamed: a kill never leaves half a report. */
export const writeVerify = (workspace: string, report: VerifyReport): void => {
  const file = verifyFile(workspace, report.tag)
  writeFileSync(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`)
  renameSync(`${file}.tmp`, file)
}

/** The run's last verify report, if it has one. */
export const readVerify = (workspace: string, tag: string): VerifyReport | undefined => {
  const file = verifyFile(workspace, tag)
  if (!existsSync(file)) return undefined
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, "utf8"))
  } catch {
    throw new UserError(`${file} is not valid JSON`, "delete it and run `autoresearch verify` again")
  }
  const decoded = Schema.decodeUnknownEither(VerifyReportSchema)(json)
  if (decoded._tag === "Left") throw new UserError(`${file} is not a verify report`, "delete it and run `autoresearch verify` again")
  return decoded.right
}

const fmt = (value: number | null, digits = 4) => (value === null ? "-" : value.toFixed(digits))
const spread = (m: number | null, s: number | null) => `${fmt(m)} ± ${s === null ? "-" : s.toFixed(4)}`

/** The report as text: one line per keep, then the totals. */
export const renderVerify = (report: VerifyReport): string => {
  const lines = [
    `verify: ${report.checks.length} keep(s), ${report.repeats} repeat(s) each of the commit and its parent (seeds ${report.seeds.join(", ")}; ${report.budgetSeconds} s; σ ${report.sigma.toFixed(4)}, ${report.dof} dof)`
  ]
  for (const check of report.checks) {
    lines.push(
      `  #${check.id} ${check.commit.slice(0, 7)} ${check.verdict.padEnd(10)} kept ${spread(check.commitMean, check.commitStd)}  parent ${spread(check.parentMean, check.parentStd)}  gain ${fmt(check.gain)}  ${check.description}`
    )
  }
  lines.push(`reproduced ${report.reproduced} of ${report.checks.length}; false keeps ${report.falseKeeps}`)
  return lines.join("\n")
}
