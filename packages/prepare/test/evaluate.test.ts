import type { LossModel } from "@autoresearch/core"
import { describe, expect, it } from "vitest"
import { evaluateBpbOn } from "../src/evaluate.js"
import type { TokenSplit } from "../src/token-cache.js"

// Vocabulary of 8: id 0 is BOS (0 bytes), ids 1-7 have 1-3 bytes.
const V = 8
const tokenBytes = Int32Array.from([0, 1, 2, 3, 1, 2, 3, 1])
const docs = [
  [0, 1, 2, 3, 4],
  [0, 5, 6],
  [0, 7, 1, 2, 3, 4, 5, 6, 7],
  [0, 2],
  [0, 3, 3, 3, 6, 6]
]
const val: TokenSplit = {
  tokens: Uint16Array.from(docs.flat()),
  offsets: Float64Array.from(docs.reduce((o, d) => [...o, o[o.length - 1]! + d.length], [0]))
}
const spec = { val, tokenBytes, evalTokens: 48, seqLen: 8, batchSize: 2, bufferDocs: 3 }

const constantModel = (loss: (target: number) => number): LossModel & { seen: number[] } => {
  const seen: number[] = []
  return {
    seen,
    perTokenLoss: (_inputs, targets) => {
      seen.push(...targets)
      return Float32Array.from(targets, loss)
    }
  }
}

describe("evaluateBpb", () => {
  it("gives exactly log2(V) · tokens / bytes for a uniform model", async () => {
    const model = constantModel(() => Math.log(V))
    const result = await evaluateBpbOn(model, spec)
    const counted = model.seen.filter((t) => tokenBytes[t]! > 0)
    const bytes = counted.reduce((s, t) => s + tokenBytes[t]!, 0)
    expect(model.seen.length).toBe(48)
    expect(result.tokens).toBe(counted.length)
    expect(result.bytes).toBe(bytes)
    expect(result.valBpb).toBeCloseTo((Math.log2(V) * counted.length) / bytes, 6)
  })

  it("gives 0 for a perfect model", async () => {
    expect((await evaluateBpbOn(constantModel(() => 0), spec)).valBpb).toBe(0)
  })

  it("excludes zero-byte targets from both sums", async () => {
    const uniform = await evaluateBpbOn(constantModel(() => Math.log(V)), spec)
    const hatesBos = await evaluateBpbOn(constantModel((t) => (t === 0 ? 1000 : Math.log(V))), spec)
    expect(hatesBos).toEqual(uniform)
  })

  it("does not depend on the batch size", async () => {
    const model = () => constantModel((t) => 0.1 * t + 0.3)
    const results = await Promise.all([1, 2, 5, 100].map((batchSize) => evaluateBpbOn(model(), { ...spec, batchSize })))
    for (const r of results) expect(r).toEqual(results[0])
  })

  it("refuses a model that returns the wrong number of losses", async () => {
    const broken: LossModel = { perTokenLoss: () => new Float32Array(3) }
    await expect(evaluateBpbOn(broken, spec)).rejects.toThrow(/returned 3 losses/)
  })
})
