// The parent's scoring of what the evaluation processes returned: val_bpb from its own rows and
// token_bytes, after the checks that make the log-probabilities trustworthy. Any failed check
// makes the run `invalid`, with what failed in words.
import type { EvalPlan } from "./plan.js"

/** What the evaluation processes answered: per row its target log-probs, and revealed rows. */
export interface EvalAnswers {
  /** Row id -> log-probability of each target (seqLen values). */
  readonly logp: Map<number, Float32Array>
  /** `${rowId}:${t}` -> the full log-probability row at position t. */
  readonly revealed: Map<string, Float32Array>
}

export interface Scored {
  readonly valBpb: number
  readonly tokens: number
  readonly bytes: number
}

/** Tolerances: float32 sums in other batch slots and processes differ far less than this. */
const LOGP_TOLERANCE = 2e-3
const NORMALISATION_TOLERANCE = 2e-3
const TOTAL_VARIATION_TOLERANCE = 2e-3

const logSumExp = (row: Float32Array) => {
  let max = -Infinity
  for (const x of row) if (x > max) max = x
  let sum = 0
  for (const x of row) sum += Math.exp(x - max)
  return max + Math.log(sum)
}

const totalVariation = (a: Float32Array, b: Float32Array) => {
  let tv = 0
  for (let i = 0; i < a.length; i++) tv += Math.abs(Math.exp(a[i]!) - Math.exp(b[i]!))
  return tv / 2
}

const close = (a: number, b: number) => Math.abs(a - b) <= LOGP_TOLERANCE * Math.max(1, Math.abs(a))

export class EvaluationInvalid extends Error {}

/** Checks every answer against the plan; returns val_bpb of the real rows, or throws EvaluationInvalid. */
export const scoreEvaluation = (plan: EvalPlan, answers: EvalAnswers, tokenBytes: Int32Array, vocabSize: number): Scored => {
  const T = plan.seqLen
  const fail = (message: string): never => {
    throw new EvaluationInvalid(message)
  }
  for (const row of plan.rows) {
    const lp = answers.logp.get(row.id) ?? fail(`no answer for evaluation row ${row.id}`)
    for (let t = 0; t < T; t++)
      if (!(lp[t]! <= 1e-4)) fail(`log-probability ${lp[t]} at position ${t}: not a probability`)
  }
  // Reveals: a distribution that normalises and agrees with the reported target log-prob.
  for (const [key, dist] of answers.revealed) {
    const [id, t] = key.split(":").map(Number) as [number, number]
    if (dist.length !== vocabSize) fail(`a revealed distribution has ${dist.length} entries for a vocabulary of ${vocabSize}`)
    const lse = logSumExp(dist)
    if (!(Math.abs(lse) <= NORMALISATION_TOLERANCE)) fail(`the distribution at a checked position does not normalise (log-sum-exp ${lse})`)
    const row = plan.rows[id]!
    const reported = answers.logp.get(id)![t]!
    if (!close(dist[row.tokens[t + 1]!]!, reported))
      fail(`the reported log-probability ${reported.toFixed(4)} disagrees with the distribution at the same position (${dist[row.tokens[t + 1]!]!.toFixed(4)})`)
  }
  for (const row of plan.rows) {
    if (row.kind === "real") continue
    const mine = answers.logp.get(row.id)!
    const theirs = answers.logp.get(row.source)!
    // Same prefix, same target: a twin up to its cut - 1 (exclusive), a repeat everywhere.
    const upTo = row.kind === "twin" ? row.cut! - 1 : T
    for (let t = 0; t < upTo; t++)
      if (!close(mine[t]!, theirs[t]!))
        fail(
          row.kind === "twin"
            ? `the model looks ahead: a row with the same first ${row.cut} tokens got a different output at position ${t} (${theirs[t]!.toFixed(4)} vs ${mine[t]!.toFixed(4)})`
            : `the model's outputs change during evaluation: the same row got ${theirs[t]!.toFixed(4)} and ${mine[t]!.toFixed(4)} at position ${t}`
        )
    if (row.kind === "twin") {
      const t = row.cut! - 1
      const a = answers.revealed.get(`${row.id}:${t}`) ?? fail("a twin's distribution is missing")
      const b = answers.revealed.get(`${row.source}:${t}`) ?? fail("a twin's distribution is missing")
      const tv = totalVariation(a, b)
      if (tv > TOTAL_VARIATION_TOLERANCE)
        fail(`the model looks ahead: two rows with the same first ${row.cut} tokens got different next-token distributions at position ${t} (total variation ${tv.toFixed(4)})`)
    }
  }
  let nats = 0
  let bytes = 0
  let tokens = 0
  for (const row of plan.rows) {
    if (row.kind !== "real") continue
    const lp = answers.logp.get(row.id)!
    for (let t = 0; t < T; t++) {
      const nb = tokenBytes[row.tokens[t + 1]!]!
      if (nb > 0) {
        nats -= lp[t]!
        bytes += nb
        tokens++
      }
    }
  }
  return { valBpb: nats / (Math.LN2 * bytes), tokens, bytes }
}
