// Red team through the CLI (`autoresearch train`): a planted canvas that reads the next token
// is `invalid` and the command fails with that reason; one that tries to read the val split is a
// crash. The full red-team suite is packages/trainer-tfjs/test/red-team.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { prepare, type PreparedEnvironment } from "@autoresearch/prepare"
import { cli } from "./cli-helpers.js"

const dirs: string[] = []
let env: PreparedEnvironment
beforeAll(async () => {
  env = await prepare({ profile: "cpu" })
}, 120_000)
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const workspace = (canvas: string) => {
  const dir = mkdtempSync(join(tmpdir(), "red-team-cli-"))
  dirs.push(dir)
  mkdirSync(join(dir, ".autoresearch"))
  writeFileSync(join(dir, ".autoresearch", "profile.json"), JSON.stringify({ profile: "cpu", source: { kind: "embedded" } }))
  writeFileSync(join(dir, "train.ts"), canvas)
  return dir
}

const header = `import { tf, type CanvasContext, type EvalContext, type Predictor, type TrainedModel } from "@autoresearch/trainer-tfjs/canvas"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  return { weights: [], numParams: 0, depth: 0, flopsPerToken: 0 }
}
`

describe("red team through `autoresearch train`", () => {
  it.concurrent("a canvas that reads the next token fails as invalid", async () => {
    const dir = workspace(`${header}
export async function load(ctx: EvalContext, _weights: tf.Tensor[]): Promise<Predictor> {
  const V = ctx.profile.vocabSize
  return {
    logits: (inputs: Int32Array, batch: number, T: number) => {
      const out = new Float32Array(batch * T * V)
      for (let i = 0; i < batch * T; i++) if (i % T < T - 1) out[i * V + inputs[i + 1]!] = 20
      return tf.tensor2d(out, [batch * T, V])
    }
  }
}`)
    const result = await cli(["train", "--budget", "1", "--json"], dir)
    expect(result.code).toBe(1)
    const report = JSON.parse(result.stdout.trim().split("\n").pop()!) as { _tag: string; reason: string; message: string }
    expect(report).toMatchObject({ _tag: "Crash", reason: "invalid" })
    expect(report.message).toMatch(/looks ahead/)
  }, 240_000)

  it.concurrent("a canvas that reads the val split crashes, and the log says why", async () => {
    const valTokens = env.fixedFiles.find((f) => f.endsWith("val.tokens"))!
    const dir = workspace(`${header.replace("return {", `(await import("node:fs")).readFileSync(${JSON.stringify(valTokens)})\n  return {`)}
export async function load(ctx: EvalContext): Promise<Predictor> {
  return { logits: (_i: Int32Array, b: number, T: number) => tf.zeros([b * T, ctx.profile.vocabSize]) as tf.Tensor2D }
}`)
    const result = await cli(["train", "--budget", "1"], dir)
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/FAIL: the run crashed \(error\).*(restricted|ERR_ACCESS_DENIED)/)
  }, 240_000)
})
