// The parent's evaluation plan and checks, on small synthetic rows with in-process "models"
// answering as an evaluation process would (the red-team suite runs the real processes).
import { describe, expect, it } from "vitest"
import { defaultPlanOptions, makePlan, scoreEvaluation, EvaluationInvalid, type EvalAnswers, type EvalPlan } from "../src/index.js"

const V = 16
const T = 32
const rows = Array.from({ length: 64 }, (_, r) => Int32Array.from({ length: T + 1 }, (_, t) => (r * 7 + t * t * 3 + ((r * t) % 5)) % V))
const tokenBytes = Int32Array.from({ length: V }, (_, i) => (i === 0 ? 0 : 1 + (i % 3)))

/** Log-probabilities for the whole row at position t: `dist(row, t, p)` from the process p's view. */
type Model = (row: Int32Array, t: number, p: 0 | 1) => Float32Array

const normalise = (scores: number[]) => {
  const max = Math.max(...scores)
  const lse = max + Math.log(scores.reduce((s, x) => s + Math.exp(x - max), 0))
  return Float32Array.from(scores, (x) => x - lse)
}

/** Answers the plan batch by batch, process 0 then 1, as the driver collects them. */
const answer = (plan: EvalPlan, model: Model, forge?: (logp: Float32Array) => void): EvalAnswers => {
  const answers: EvalAnswers = { logp: new Map(), revealed: new Map() }
  for (const p of [0, 1] as const)
    plan.batches[p].forEach((ids, k) => {
      const dists = ids.map((id) => Array.from({ length: T }, (_, t) => model(plan.rows[id]!.tokens, t, p)))
      ids.forEach((id, b) => {
        const lp = Float32Array.from({ length: T }, (_, t) => dists[b]![t]![plan.rows[id]!.tokens[t + 1]!]!)
        forge?.(lp)
        answers.logp.set(id, lp)
      })
      for (const pos of plan.reveals[p][k]!) answers.revealed.set(`${ids[Math.floor(pos / T)]}:${pos % T}`, dists[Math.floor(pos / T)]![pos % T]!)
    })
  return answers
}

const bigram: Model = (row, t) => normalise(Array.from({ length: V }, (_, v) => (v === (row[t]! + 1) % V ? 2 : 0)))
const options = { ...defaultPlanOptions(), revealsPerBatch: 8 }

const verdict = (model: Model, forge?: (logp: Float32Array) => void) => {
  const plan = makePlan(rows, 8, options)
  try {
    return scoreEvaluation(plan, answer(plan, model, forge), tokenBytes, V)
  } catch (error) {
    if (error instanceof EvaluationInvalid) return error.message
    throw error
  }
}

describe("the evaluation plan", () => {
  it("scores every real row once, in whole batches, with twins and repeats in the other process", () => {
    const plan = makePlan(rows, 8, options)
    const all = [...plan.batches[0], ...plan.batches[1]]
    expect(all.every((b) => b.length === 8)).toBe(true)
    expect(new Set(all.flat()).size).toBe(plan.rows.length)
    expect(plan.rows.filter((r) => r.kind === "real")).toHaveLength(rows.length)
    const extras = plan.rows.filter((r) => r.kind !== "real")
    expect(extras.length).toBeGreaterThanOrEqual(options.extras)
    expect(extras.filter((r) => r.kind === "twin").length).toBeGreaterThan(extras.length / 2)
    for (const r of extras) expect(r.process).not.toBe(plan.rows[r.source]!.process)
    for (const r of extras.filter((x) => x.kind === "twin")) {
      const original = plan.rows[r.source]!.tokens
      expect(Array.from(r.tokens.subarray(0, r.cut!))).toEqual(Array.from(original.subarray(0, r.cut!)))
      expect(r.tokens[r.cut!]).not.toBe(original[r.cut!])
    }
  })

  it("differs from run to run (a canvas cannot learn it)", () => {
    const a = makePlan(rows, 8, options)
    const b = makePlan(rows, 8, options)
    expect(JSON.stringify(a.batches)).not.toBe(JSON.stringify(b.batches))
  })
})

describe("the parent's checks", () => {
  it("an honest causal model passes and gets the bpb of its log-probabilities", () => {
    const scored = verdict(bigram)
    expect(typeof scored).toBe("object")
    const expected = (() => {
      let nats = 0
      let bytes = 0
      for (const row of rows)
        for (let t = 0; t < T; t++) {
          const nb = tokenBytes[row[t + 1]!]!
          if (nb > 0) {
            nats -= bigram(row, t, 0)[row[t + 1]!]!
            bytes += nb
          }
        }
      return nats / (Math.LN2 * bytes)
    })()
    expect((scored as { valBpb: number }).valBpb).toBeCloseTo(expected, 5)
  })

  it("a model that reads the next token is invalid (twins)", () => {
    const peek: Model = (row, t) => normalise(Array.from({ length: V }, (_, v) => (t + 1 < row.length - 1 && v === row[t + 1] ? 8 : 0)))
    expect(verdict(peek)).toMatch(/looks ahead/)
  })

  it("a model that mixes in any later token of its row is invalid", () => {
    const future: Model = (row, t) => normalise(Array.from({ length: V }, (_, v) => (v === row[row.length - 2] ? 1 : 0) + (v === (row[t]! + 1) % V ? 2 : 0)))
    expect(verdict(future)).toMatch(/looks ahead/)
  })

  it("a model that answers differently in the two processes (adapting, or keyed to its process) is invalid (repeats)", () => {
    const drift: Model = (row, t, p) => normalise(Array.from({ length: V }, (_, v) => (v === (row[t]! + 1) % V ? 2 + p : 0)))
    expect(verdict(drift)).toMatch(/looks ahead|change during evaluation/)
  })

  it("forged log-probabilities (better than the distributions say) are invalid", () => {
    expect(verdict(bigram, (lp) => lp.fill(-0.01))).toMatch(/disagrees with the distribution/)
  })

  it("a log-probability above 0 is invalid", () => {
    expect(verdict(bigram, (lp) => (lp[3] = 0.5))).toMatch(/not a probability/)
  })

  it("distributions that do not normalise are invalid", () => {
    const unnormalised: Model = (row, t) => Float32Array.from({ length: V }, (_, v) => (v === (row[t]! + 1) % V ? -0.01 : -3))
    expect(verdict(unnormalised)).toMatch(/does not normalise/)
  })
})
