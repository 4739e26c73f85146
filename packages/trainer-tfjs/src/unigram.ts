// The floor a trained model must beat: a unigram model (token frequencies of the train split,
// add-one smoothed), scored by the same fixed evaluator. It reads no context at all.
import type { LossModel } from "@autoresearch/core"
import type { PreparedEnvironment } from "@autoresearch/prepare"

/** Counts target tokens over one pass of the train split (at most `maxTokens`). */
export const unigramModel = (env: PreparedEnvironment, maxTokens = 4_000_000): LossModel => {
  const vocab = env.profile.vocabSize
  const counts = new Float64Array(vocab).fill(1)
  const loader = env.trainLoader(16, env.profile.maxSeqLen)
  let seen = 0
  for (;;) {
    const { targets, epoch } = loader.next()
    if (epoch > 1 || seen >= maxTokens) break
    for (const id of targets) counts[id]! += 1
    seen += targets.length
  }
  const total = counts.reduce((a, b) => a + b, 0)
  const nats = Float32Array.from(counts, (c) => -Math.log(c / total))
  return { perTokenLoss: (_inputs, targets) => Float32Array.from(targets, (id) => nats[id]!) }
}

/** val_bpb of the unigram model: what "learned nothing beyond token frequencies" scores. */
export const unigramBpb = async (env: PreparedEnvironment): Promise<number> =>
  (await env.evaluateBpb(unigramModel(env))).valBpb
