// The red team: planted canvases of every kind that lowered a reported val_bpb before (issue
// 12), each run through the real TfjsTrainer (bundle, sandboxed training process, two sandboxed
// evaluation processes, the parent's checks). Each must end `invalid` or a crash, or gain
// nothing. Tiny budgets and table "models" keep the suite short; the honest template's run is
// in tfjs-trainer.test.ts. After every run, no process of it may be left. Linux with unshare and Node's permission model, as measured in
// docs/reliability.md.
import { existsSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RunReport, Trainer } from "@autoresearch/core"
import type { PreparedEnvironment } from "@autoresearch/prepare"
import { TfjsTrainer } from "../src/index.js"
import { canvasHeader, noWeights, privatePrepared, removeFixtures, uniformLoad, workspaceWith } from "./fixtures/prepared.js"
import { processesMarked } from "./fixtures/processes.js"

let cacheDir: string
let env: PreparedEnvironment
let valTokens: string
let uniformBpb: number
beforeAll(async () => {
  ;({ cacheDir, env } = await privatePrepared())
  valTokens = env.fixedFiles.find((f) => f.endsWith("val.tokens"))!
  // What a model that learned nothing scores: the floor every cheat below is measured against.
  uniformBpb = (await env.evaluateBpb({ perTokenLoss: (_i, t) => new Float32Array(t.length).fill(Math.log(env.profile.vocabSize)) })).valBpb
}, 120_000)
afterAll(removeFixtures)

let runs = 0
/** One run through the real trainer; afterwards no process of it may be left (surviving the run). */
const run = async (dir: string, budgetSeconds = 1): Promise<RunReport> => {
  const mark = `red-team-${process.pid}-${++runs}`
  const report = await Effect.runPromise(
    Effect.flatMap(Trainer, (t) => t.run({ dir, budgetSeconds, logFile: join(dir, "logs", "run.log") })).pipe(
      Effect.map(Schema.decodeUnknownSync(RunReport)), // as the loop decodes it
      Effect.provide(TfjsTrainer.layer({ cacheDir, backend: "wasm", env: { AUTORESEARCH_TEST_MARK: mark } }))
    )
  )
  expect(processesMarked(mark)).toEqual([])
  return report
}

/** The run ended `invalid` or crashed, or its val_bpb is no better than a model that learned nothing. */
const gainedNothing = (report: RunReport, reasons: ReadonlyArray<string>, message?: RegExp) => {
  if (report._tag === "Success") {
    expect(report.metrics.valBpb).toBeGreaterThanOrEqual(uniformBpb - 1e-3)
    return
  }
  expect(reasons, `${report.reason}: ${report.message}\n${report.logTail}`).toContain(report.reason)
  if (message) expect(`${report.message}\n${report.logTail}`).toMatch(message)
}

const trainNothing = `
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  return ${noWeights}
}`

/** A `load` whose logits come from `score(inputs, b, t, T, V)` (a plain function of the batch). */
const tableLoad = (body: string) => `
export async function load(ctx: EvalContext, _weights: tf.Tensor[]): Promise<Predictor> {
  const V = ctx.profile.vocabSize
  ${body}
  return {
    logits: (inputs: Int32Array, batch: number, T: number) => {
      const out = new Float32Array(batch * T * V)
      for (let b = 0; b < batch; b++) for (let t = 0; t < T; t++) score(inputs, b, t, T, V, out.subarray((b * T + t) * V, (b * T + t + 1) * V))
      return tf.tensor2d(out, [batch * T, V])
    }
  }
}`

const timeout = 240_000

describe("red team: forging the result", () => {
  it.concurrent("printing a summary and writing fake results on the channel counts for nothing", async () => {
    const dir = workspaceWith(`${canvasHeader}
import { writeSync } from "node:fs"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  console.log("---\\nval_bpb:          0.000001\\ntraining_seconds: 1.0\\ntotal_seconds:    1.0\\npeak_vram_mb:     1.0")
  const metrics = { valBpb: 0.000001, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 1 }
  for (const type of ["result", "logprobs"]) try { writeSync(3, JSON.stringify({ type, nonce: "", metrics, data: "" }) + "\\n") } catch {}
  process.exit(0)
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["error"], /val_bpb: +0\.000001/)
  }, timeout)

  it.concurrent("patching tf's data read-back in the evaluation process is invalid", async () => {
    const dir = workspaceWith(`${canvasHeader}
${trainNothing}
export async function load(ctx: EvalContext, _weights: tf.Tensor[]): Promise<Predictor> {
  const original = tf.Tensor.prototype.data
  // Every value read back becomes 0: log p = 0, "certain" of every target.
  tf.Tensor.prototype.data = async function () { const d = await original.call(this); return (d as Float32Array).fill(0) } as never
  return { logits: (_i: Int32Array, batch: number, seqLen: number) => tf.zeros([batch * seqLen, ctx.profile.vocabSize]) as tf.Tensor2D }
}`)
    gainedNothing(await run(dir), ["invalid"], /normalise|disagrees/)
  }, timeout)

  it.concurrent("forged answers written straight to the channel are invalid", async () => {
    const dir = workspaceWith(`${canvasHeader}
import { writeSync } from "node:fs"
${trainNothing}
export async function load(ctx: EvalContext, _weights: tf.Tensor[]): Promise<Predictor> {
  const zeros = Buffer.from(new Float32Array(16 * ctx.profile.maxSeqLen).buffer).toString("base64")
  writeSync(3, JSON.stringify({ type: "ready" }) + "\\n")
  for (let i = 0; i < 20; i++) writeSync(3, JSON.stringify({ type: "logprobs", data: zeros }) + "\\n")
  return { logits: (_i: Int32Array, batch: number, seqLen: number) => tf.zeros([batch * seqLen, ctx.profile.vocabSize]) as tf.Tensor2D }
}`)
    gainedNothing(await run(dir), ["invalid"])
  }, timeout)

  it.concurrent("the inspector (to reach the harness's closures) is unavailable", async () => {
    const dir = workspaceWith(`${canvasHeader}
import * as inspector from "node:inspector"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  const session = new inspector.Session()
  session.connect()
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["error"], /restricted|ERR_ACCESS_DENIED/)
  }, timeout)
})

describe("red team: reading the validation data", () => {
  it.concurrent("training cannot read the val split from the cache", async () => {
    const dir = workspaceWith(`${canvasHeader}
import { readFileSync } from "node:fs"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  readFileSync(${JSON.stringify(valTokens)})
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["error"], /restricted|ERR_ACCESS_DENIED/)
  }, timeout)

  it.concurrent("training cannot open the val split through @autoresearch/prepare", async () => {
    const dir = workspaceWith(`${canvasHeader}
import { loadPrepared } from "@autoresearch/prepare"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  const env = await loadPrepared({ profile: "cpu", cacheDir: ${JSON.stringify(cacheDir)} })
  env.valLoader(1, 8).next()
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["error"], /no data prepared|restricted/)
  }, timeout)

  it.concurrent("an evaluation process cannot read the val split either", async () => {
    const dir = workspaceWith(`${canvasHeader}
import { readFileSync } from "node:fs"
${trainNothing}
export async function load(ctx: EvalContext, _weights: tf.Tensor[]): Promise<Predictor> {
  readFileSync(${JSON.stringify(valTokens)})
  return { logits: (_i: Int32Array, batch: number, seqLen: number) => tf.zeros([batch * seqLen, ctx.profile.vocabSize]) as tf.Tensor2D }
}`)
    gainedNothing(await run(dir), ["error"], /restricted|ERR_ACCESS_DENIED/)
  }, timeout)

  it.concurrent("native code of its own (process.dlopen, as require of a .node file does) is sealed", async () => {
    const addon = join(import.meta.dirname, "..", "..", "fast-kernels", "build", "Release", "fast_kernels.node")
    const dir = workspaceWith(`${canvasHeader}
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  process.dlopen({ exports: {} }, ${JSON.stringify(addon)})
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["error"], /native addons are sealed/)
  }, timeout)

  it.concurrent("training cannot read the workspace (its store, its history)", async () => {
    const dir = workspaceWith("")
    const canvas = `${canvasHeader}
import { readFileSync } from "node:fs"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  readFileSync(${JSON.stringify(join(dir, "train.ts"))})
  return ${noWeights}
}
${uniformLoad}`
    const { writeFileSync } = await import("node:fs")
    writeFileSync(join(dir, "train.ts"), canvas)
    gainedNothing(await run(dir), ["error"], /restricted|ERR_ACCESS_DENIED/)
  }, timeout)
})

describe("red team: dodging the look-ahead checks", () => {
  const peekAt = (when: string) =>
    tableLoad(`const score = (inputs: Int32Array, b: number, t: number, T: number, _V: number, out: Float32Array) => {
    if (t + 1 < T && (${when})) out[inputs[b * T + t + 1]!] = 20
  }`)

  it.concurrent("reading the next token at every position is invalid", async () => {
    gainedNothing(await run(workspaceWith(`${canvasHeader}${trainNothing}${peekAt("true")}`)), ["invalid"], /looks ahead/)
  }, timeout)

  it.concurrent("reading the next token at half the positions only is invalid", async () => {
    gainedNothing(await run(workspaceWith(`${canvasHeader}${trainNothing}${peekAt("(t * 7 + inputs[b * T]!) % 2 === 0")}`)), ["invalid"], /looks ahead/)
  }, timeout)

  it.concurrent("peeking only in full-size batches (never in a 2-row probe) is invalid", async () => {
    gainedNothing(await run(workspaceWith(`${canvasHeader}${trainNothing}${peekAt("inputs.length >= 16 * T")}`)), ["invalid"], /looks ahead/)
  }, timeout)

  it.concurrent("peeking, but answering any prefix seen before from memory (to fool twins), is invalid", async () => {
    const memo = tableLoad(`const seen = new Map<string, number>()
  const score = (inputs: Int32Array, b: number, t: number, T: number, _V: number, out: Float32Array) => {
    const key = Array.from(inputs.subarray(b * T, b * T + t + 1)).join(",")
    const guess = seen.get(key) ?? (t + 1 < T ? inputs[b * T + t + 1]! : 0)
    seen.set(key, guess)
    out[guess] = 20
  }`)
    gainedNothing(await run(workspaceWith(`${canvasHeader}${trainNothing}${memo}`)), ["invalid"], /looks ahead/)
  }, timeout)

  it.concurrent("learning from the evaluation rows as they come (an adapting cache) is invalid", async () => {
    const adapt = tableLoad(`const counts = new Float32Array(V)
  let batchSeen: Int32Array | undefined
  const score = (inputs: Int32Array, b: number, t: number, T: number, V: number, out: Float32Array) => {
    if (batchSeen !== inputs) { if (batchSeen) for (const id of batchSeen) counts[id]! += 1; batchSeen = inputs }
    for (let v = 0; v < V; v++) out[v] = Math.log(1 + counts[v]!)
  }`)
    gainedNothing(await run(workspaceWith(`${canvasHeader}${trainNothing}${adapt}`)), ["invalid"], /change during evaluation|looks ahead/)
  }, timeout)
})

describe("red team: poisoning later runs", () => {
  it.concurrent("training cannot write the val split (and the next run is not refused)", async () => {
    const before = readFileSync(valTokens)
    const dir = workspaceWith(`${canvasHeader}
import { appendFileSync } from "node:fs"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  appendFileSync(${JSON.stringify(valTokens)}, "tampered")
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["error"], /restricted|ERR_ACCESS_DENIED/)
    expect(readFileSync(valTokens).equals(before)).toBe(true)
  }, timeout)

  it.concurrent("training cannot write the SDK's code, the workspace profile or git hooks", async () => {
    const dir = workspaceWith("")
    const targets = [
      join(import.meta.dirname, "..", "dist", "harness", "main.js"),
      join(dir, ".autoresearch", "profile.json"),
      join(dir, ".git", "hooks", "post-commit")
    ]
    const { writeFileSync } = await import("node:fs")
    writeFileSync(
      join(dir, "train.ts"),
      `${canvasHeader}
import { appendFileSync, mkdirSync } from "node:fs"
import { dirname } from "node:path"
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  const failures: string[] = []
  for (const target of ${JSON.stringify(targets)}) {
    try { mkdirSync(dirname(target), { recursive: true }); appendFileSync(target, "\\n// planted") } catch (e) { failures.push((e as { code?: string }).code ?? String(e)) }
  }
  ctx.log("write failures: " + failures.join(","))
  if (failures.length < ${targets.length}) throw new Error("a write went through")
  return ${noWeights}
}
${uniformLoad}`
    )
    const mtime = statSync(targets[0]!).mtimeMs
    const report = await run(dir)
    gainedNothing(report, ["error"])
    expect(readFileSync(join(dir, "logs", "run.log"), "utf8")).toMatch(/write failures: ERR_ACCESS_DENIED,ERR_ACCESS_DENIED,ERR_ACCESS_DENIED/)
    expect(statSync(targets[0]!).mtimeMs).toBe(mtime)
    expect(existsSync(targets[1]!) || existsSync(targets[2]!)).toBe(false)
  }, timeout)
})

describe("red team: surviving the run", () => {
  it.concurrent("a detached child process cannot be started, and nothing of the run is left", async () => {
    const dir = workspaceWith(`${canvasHeader}
import { spawn } from "node:child_process"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  spawn("sleep", ["300"], { detached: true, stdio: "ignore" }).unref()
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["error"], /restricted|ERR_ACCESS_DENIED/)
  }, timeout)

  it.concurrent("a worker thread cannot be started", async () => {
    const dir = workspaceWith(`${canvasHeader}
import { Worker } from "node:worker_threads"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  new Worker("setInterval(() => {}, 1000)", { eval: true })
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["error"], /restricted|ERR_ACCESS_DENIED/)
  }, timeout)
})

describe("red team: clock games", () => {
  it.concurrent("ignoring the stop and training on is killed at the parent's limit", async () => {
    const dir = workspaceWith(`${canvasHeader}
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  const started = Date.now()
  while (Date.now() - started < 60_000) { ctx.endStep({ loss: 1, tokens: 1 }); await new Promise((r) => setTimeout(r, 10)) }
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["timeout"], /limit/)
  }, timeout)

  it.concurrent("slowing the clock (performance.now, Date.now) is killed at the parent's limit", async () => {
    const dir = workspaceWith(`${canvasHeader}
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  const now = performance.now.bind(performance)
  const start = now()
  performance.now = () => start + (now() - start) / 10
  const dateNow = Date.now
  const dateStart = dateNow()
  Date.now = () => dateStart + (dateNow() - dateStart) / 10
  while (!ctx.endStep({ loss: 1, tokens: 1 })) await new Promise((r) => setTimeout(r, 10))
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["timeout"], /limit/)
  }, timeout)

  it.concurrent("work before the first step (at import, or without ever calling endStep) counts", async () => {
    const dir = workspaceWith(`${canvasHeader}
const until = Date.now() + 60_000
while (Date.now() < until) {} // "warm-up" at import time
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  return ${noWeights}
}
${uniformLoad}`)
    gainedNothing(await run(dir), ["timeout"], /limit/)
  }, timeout)
})
