// The fixed metric. val_bpb = Σ loss (nats) / (ln 2 · Σ bytes) over every target whose token
// has a byte length > 0, for floor(evalTokens / maxSeqLen) packed rows of the val split.
// The rows do not depend on the batch size, so any batch size gives the same number.
import type { Evaluation, LossModel } from "@autoresearch/core"
import { BestFitPacker } from "./loader.js"
import type { TokenSplit } from "./token-cache.js"

export interface EvaluationSpec {
  readonly val: TokenSplit
  readonly tokenBytes: Int32Array
  readonly evalTokens: number
  readonly seqLen: number
  readonly batchSize: number
  readonly bufferDocs: number
}

/**
 * The rows val_bpb is computed on, in order: floor(evalTokens / seqLen) packed rows of seqLen + 1
 * tokens (inputs are tokens 0..seqLen-1, targets 1..seqLen).
 */
export const evaluationRows = (spec: Omit<EvaluationSpec, "tokenBytes" | "batchSize">): Int32Array[] => {
  const totalRows = Math.floor(spec.evalTokens / spec.seqLen)
  if (totalRows < 1) throw new RangeError(`evalTokens ${spec.evalTokens} is less than one row of ${spec.seqLen}`)
  const packer = new BestFitPacker(spec.val, spec.bufferDocs)
  return Array.from({ length: totalRows }, () => {
    const row = new Int32Array(spec.seqLen + 1)
    packer.fillRow(row, 0, row.length)
    return row
  })
}

export const evaluateBpbOn = async (model: LossModel, spec: EvaluationSpec): Promise<Evaluation> => {
  const { seqLen, tokenBytes } = spec
  const rows = evaluationRows(spec)
  const totalRows = rows.length
  const batchSize = Math.max(1, Math.min(spec.batchSize, totalRows))
  let nats = 0
  let bytes = 0
  let tokens = 0
  for (let done = 0; done < totalRows; ) {
    const batch = Math.min(batchSize, totalRows - done)
    const inputs = new Int32Array(batch * seqLen)
    const targets = new Int32Array(batch * seqLen)
    for (let b = 0; b < batch; b++) {
      const row = rows[done + b]!
      inputs.set(row.subarray(0, seqLen), b * seqLen)
      targets.set(row.subarray(1), b * seqLen)
    }
    const losses = await model.perTokenLoss(inputs, targets, batch, seqLen)
    if (losses.length !== batch * seqLen) {
      throw new RangeError(`the model returned ${losses.length} losses for a batch of ${batch} × ${seqLen}`)
    }
    for (let i = 0; i < targets.length; i++) {
      const nb = tokenBytes[targets[i]!]!
      if (nb > 0) {
        nats += losses[i]!
        bytes += nb
        tokens++
      }
    }
    done += batch
  }
  return { valBpb: nats / (Math.LN2 * bytes), tokens, bytes }
}
