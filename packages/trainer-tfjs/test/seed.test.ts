// The seed end to end: TrainSpec.seed → TfjsTrainer's training config → ctx.seed in the sealed
// training process → every random draw of the template. The template's own train() runs in real
// sandboxed children under a step budget (a wrapper canvas makes progress = steps / STEPS and
// stops after STEPS steps, well inside the parent's clock), so the loss curve cannot depend on
// the clock: the same commit and seed must give the same curve and weights, bit for bit. val_bpb
// only to ~1e-9: the parent's evaluation plan is secret and random per run (which rows go to
// which process and batch, twins, repeats), and the batch a row lands in changes float rounding.
import { copyFileSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RunReport, Trainer } from "@autoresearch/core"
import { canvasTemplatePath, TfjsTrainer } from "../src/index.js"
import { canvasHeader, noWeights, privatePrepared, removeFixtures, uniformLoad, workspaceWith } from "./fixtures/prepared.js"

let cacheDir: string
beforeAll(async () => {
  ;({ cacheDir } = await privatePrepared())
}, 120_000)
afterAll(removeFixtures)

const STEPS = 6
const stepBudgetCanvas = `import type { CanvasContext, TrainedModel } from "@autoresearch/trainer-tfjs/canvas"
import template from "./template.ts"
export { load } from "./template.ts"
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  let steps = 0
  const model = await template({
    ...ctx,
    progress: () => steps / ${STEPS},
    endStep: (report) => {
      ctx.endStep(report)
      ctx.log(\`curve \${steps} \${report.loss}\`)
      return ++steps >= ${STEPS}
    }
  })
  // FNV-1a over every weight's bytes: the same weights, bit for bit, give the same line.
  let hash = 0x811c9dc5
  for (const w of model.weights)
    for (const byte of new Uint8Array((w.dataSync() as Float32Array).slice().buffer)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  ctx.log(\`weights \${hash.toString(16)}\`)
  return model
}
`

const workspace = () => {
  const dir = workspaceWith(stepBudgetCanvas)
  copyFileSync(canvasTemplatePath, join(dir, "template.ts"))
  return dir
}

const train = (dir: string, seed: number | undefined, name: string) =>
  Effect.runPromise(
    Effect.flatMap(Trainer, (t) => t.run({ dir, budgetSeconds: 120, ...(seed !== undefined ? { seed } : {}), logFile: join(dir, "logs", `${name}.log`) })).pipe(
      Effect.map(Schema.decodeUnknownSync(RunReport)),
      // Each process picks its GEMM (built-in or system BLAS) by timing a calibration pair, which
      // a loaded machine can tip either way; bit for bit holds for one GEMM, so pin it.
      Effect.provide(TfjsTrainer.layer({ cacheDir, backend: "wasm", env: { AUTORESEARCH_GEMM: "builtin" } }))
    )
  )

const curveOf = (dir: string, name: string) =>
  [...readFileSync(join(dir, "logs", `${name}.log`), "utf8").matchAll(/^curve (\d+) (\S+)$/gm)].map((m) => Number(m[2]))

const weightsHashOf = (dir: string, name: string) => readFileSync(join(dir, "logs", `${name}.log`), "utf8").match(/^weights ([0-9a-f]+)$/m)?.[1]

const success = (report: RunReport) => {
  if (report._tag !== "Success") throw new Error(`${report.reason}: ${report.message}\n${report.logTail}`)
  return report.metrics
}

describe("the seed", () => {
  it("makes two runs of the same commit and seed give the same loss curve, weights and val_bpb", async () => {
    const dir = workspace()
    const first = success(await train(dir, undefined, "first"))
    const second = success(await train(dir, 42, "second"))
    const [a, b] = [curveOf(dir, "first"), curveOf(dir, "second")]
    expect(a).toHaveLength(STEPS)
    expect(b).toEqual(a)
    expect(weightsHashOf(dir, "first")).toMatch(/^[0-9a-f]+$/)
    expect(weightsHashOf(dir, "second")).toBe(weightsHashOf(dir, "first"))
    expect(Math.abs(second.valBpb - first.valBpb)).toBeLessThan(1e-7)
    expect([first.seed, second.seed, first.numSteps]).toEqual([42, 42, STEPS])
    // Another seed, another init: the curve and the weights differ.
    success(await train(dir, 7, "other"))
    expect(curveOf(dir, "other")).not.toEqual(a)
    expect(weightsHashOf(dir, "other")).not.toBe(weightsHashOf(dir, "first"))
  }, 400_000)

  it("reaches the canvas as ctx.seed and is recorded in the metrics and the summary block", async () => {
    const dir = workspaceWith(`${canvasHeader}
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  ctx.log(\`canvas saw seed \${ctx.seed}\`)
  return ${noWeights}
}
${uniformLoad}`)
    expect(success(await train(dir, 7, "seven")).seed).toBe(7)
    const log = readFileSync(join(dir, "logs", "seven.log"), "utf8")
    expect(log).toMatch(/^canvas saw seed 7$/m)
    expect(log).toMatch(/^seed: +7$/m)
  }, 120_000)

  it("a canvas that does not divide TOTAL_BATCH_SIZE into micro-batches fails with a clear message", async () => {
    const dir = workspaceWith(readFileSync(canvasTemplatePath, "utf8").replace(/^const DEVICE_BATCH_SIZE = \d+/m, "const DEVICE_BATCH_SIZE = 3"))
    const report = await train(dir, undefined, "indivisible")
    if (report._tag !== "Crash") throw new Error("expected a crash")
    expect(report.message).toMatch(/TOTAL_BATCH_SIZE 2048 is not a multiple of DEVICE_BATCH_SIZE x seqLen = 768/)
  }, 60_000)
})
