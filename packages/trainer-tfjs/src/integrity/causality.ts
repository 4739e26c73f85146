// The causality probe: a model scored by val_bpb must predict token t+1 from tokens <= t only.
// Two checks on a few validation rows:
//  - look-ahead: perturbing inputs and targets after position t leaves the losses at <= t as
//    they were (checked at three positions);
//  - target peeking: the probabilities a model gives to three different targets at the same
//    position cannot sum above 1 (a model that reads `targets` would give each one ~1).
import type { LossModel } from "@autoresearch/core"

export interface ProbeRows {
  readonly inputs: Int32Array
  readonly targets: Int32Array
  readonly batch: number
  readonly seqLen: number
}

/** Undefined when the model passes; otherwise what it did, in words. */
export const causalityViolation = async (
  model: LossModel,
  rows: ProbeRows,
  vocabSize: number,
  tolerance = 1e-3
): Promise<string | undefined> => {
  const { inputs, targets, batch: B, seqLen: T } = rows
  const loss = async (inp: Int32Array, tgt: Int32Array) => Float32Array.from(await model.perTokenLoss(inp, tgt, B, T))
  const base = await loss(inputs, targets)
  if (base.length !== B * T) return `perTokenLoss returned ${base.length} losses for ${B}x${T} targets`
  const shift = (id: number, by: number) => (id + by) % vocabSize

  for (const t of [Math.floor(T / 4), Math.floor(T / 2), Math.floor((3 * T) / 4)]) {
    const inp = inputs.slice()
    const tgt = targets.slice()
    for (let b = 0; b < B; b++)
      for (let p = t + 1; p < T; p++) {
        inp[b * T + p] = shift(inp[b * T + p]!, 1 + ((p * 7919) % (vocabSize - 1)))
        tgt[b * T + p] = shift(tgt[b * T + p]!, 1 + ((p * 104729) % (vocabSize - 1)))
      }
    const perturbed = await loss(inp, tgt)
    for (let b = 0; b < B; b++)
      for (let p = 0; p <= t; p++) {
        const i = b * T + p
        if (Math.abs(perturbed[i]! - base[i]!) > tolerance * Math.max(1, Math.abs(base[i]!)))
          return `the model looks ahead: changing tokens after position ${t} changed the loss at position ${p} (${base[i]!.toFixed(4)} -> ${perturbed[i]!.toFixed(4)})`
      }
  }

  const alternatives = [await loss(inputs, targets.map((id) => shift(id, 1))), await loss(inputs, targets.map((id) => shift(id, 2)))]
  for (let i = 0; i < B * T; i++) {
    const total = Math.exp(-base[i]!) + Math.exp(-alternatives[0]![i]!) + Math.exp(-alternatives[1]![i]!)
    if (total > 1 + tolerance)
      return `the model reads its targets: three different targets at position ${i % T} get probabilities summing to ${total.toFixed(3)} > 1`
  }
  return undefined
}
