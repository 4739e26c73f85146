// The split between training and evaluation in prepare: a training process opens the tokenizer
// and the train split only (it works with the val files gone), and the evaluation rows a scorer
// in another process uses are exactly the rows evaluateBpb scores.
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadPrepared, loadTraining, prepare, type PreparedEnvironment } from "../src/index.js"

const root = mkdtempSync(join(tmpdir(), "prepare-training-side-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let env: PreparedEnvironment
beforeAll(async () => {
  env = await prepare({ cacheDir: join(root, "full") })
}, 120_000)

describe("the training side of a prepared cache", () => {
  it("opens without the val split, and never names a val file among the files it needs", async () => {
    const copy = join(root, "train-only")
    cpSync(join(root, "full"), copy, { recursive: true })
    for (const f of env.fixedFiles.filter((f) => /val\.(tokens|offsets)$/.test(f))) rmSync(f.replace(join(root, "full"), copy))
    await expect(loadPrepared({ cacheDir: copy })).rejects.toThrow(/no data prepared/)
    const training = await loadTraining({ cacheDir: copy })
    expect(training.trainingFiles.some((f) => f.includes("val."))).toBe(false)
    expect(training.tokenizer.vocabSize).toBe(env.profile.vocabSize)
    const batch = training.trainLoader(2, 16).next()
    expect(Array.from(batch.inputs)).toEqual(Array.from(env.trainLoader(2, 16).next().inputs))
  })

  it("hands a scorer the very rows evaluateBpb scores", async () => {
    const rows = env.evaluationRows()
    expect(rows).toHaveLength(Math.floor(env.profile.evalTokens / env.profile.maxSeqLen))
    const seen: number[] = []
    await env.evaluateBpb({
      perTokenLoss: (inputs, targets, batch, seqLen) => {
        for (let b = 0; b < batch; b++) seen.push(inputs[b * seqLen]!, targets[b * seqLen + seqLen - 1]!)
        return new Float32Array(batch * seqLen).fill(1)
      }
    })
    expect(seen).toEqual(rows.flatMap((row) => [row[0]!, row[row.length - 1]!]))
  })
})
