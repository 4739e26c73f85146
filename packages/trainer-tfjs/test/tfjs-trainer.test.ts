// Real harness child processes on the real prepared `cpu` environment: crash classes, the
// integrity guards, and a short training run that must beat the unigram floor.
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RunReport, type RunReportInput, Trainer, type TrainingProgress } from "@autoresearch/core"
import type { PreparedEnvironment } from "@autoresearch/prepare"
import { canvasTemplatePath, groupAlive, TfjsTrainer, unigramBpb } from "../src/index.js"
import { privatePrepared, removeFixtures, uniformModel, workspaceWith } from "./fixtures/prepared.js"

let cacheDir: string
let env: PreparedEnvironment
beforeAll(async () => {
  ;({ cacheDir, env } = await privatePrepared())
}, 120_000)
afterAll(removeFixtures)

const here = dirname(fileURLToPath(import.meta.url))
const header = `import type { CanvasContext, TrainedModel } from "@autoresearch/trainer-tfjs/canvas"\n`

const run = (dir: string, budgetSeconds: number, options: { deadline?: number; onProgress?: (p: TrainingProgress) => void } = {}) =>
  Effect.runPromise(
    Effect.flatMap(Trainer, (t) =>
      t.run({ dir, budgetSeconds, logFile: join(dir, "logs", "run.log"), ...(options.deadline ? { deadlineSeconds: options.deadline } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) })
    ).pipe(
      Effect.map(Schema.decodeUnknownSync(RunReport)), // as the loop decodes it
      Effect.provide(
        TfjsTrainer.layer({ cacheDir, backend: "wasm" })
      )
    )
  )

const crashOf = (report: RunReportInput) => {
  if (report._tag !== "Crash") throw new Error(`expected a crash, got ${JSON.stringify(report)}`)
  return report
}

describe("TfjsTrainer and a dying parent", () => {
  it("a SIGKILLed parent leaves no harness behind, even one whose canvas blocks its event loop", async () => {
    const dir = workspaceWith(`${header}
import { writeFileSync } from "node:fs"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  writeFileSync("PIDS", JSON.stringify({ harness: process.pid }))
  for (;;) {}
}`)
    const parent = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(here, "fixtures", "orphaning-parent.ts"), dir, cacheDir], {
      stdio: "ignore"
    })
    const pidsFile = join(dir, "PIDS")
    for (let i = 0; i < 600 && !existsSync(pidsFile); i++) await sleep(100)
    const { harness } = JSON.parse(readFileSync(pidsFile, "utf8")) as { harness: number }
    expect(groupAlive(harness)).toBe(true)
    parent.kill("SIGKILL")
    for (let i = 0; i < 50 && groupAlive(harness); i++) await sleep(100)
    expect(groupAlive(harness)).toBe(false)
  })
})

describe("TfjsTrainer crash classes", () => {
  it.concurrent("a canvas whose loss is NaN is classified nan", async () => {
    const dir = workspaceWith(`${header}
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  for (;;) ctx.endStep({ loss: Number.NaN, tokens: 1 })
}`)
    const crash = crashOf(await run(dir, 5))
    expect(crash.reason).toBe("nan")
    expect(crash.logTail).toMatch(/FAIL/)
  })

  it.concurrent("a canvas that throws is classified error, with the log tail", async () => {
    const dir = workspaceWith(`${header}
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  throw new Error("boom in the canvas")
}`)
    const crash = crashOf(await run(dir, 5))
    expect(crash.reason).toBe("error")
    expect(crash.logTail).toMatch(/boom in the canvas/)
    expect(readFileSync(join(dir, "logs", "run.log"), "utf8")).toMatch(/boom in the canvas/)
    expect(JSON.parse(readFileSync(join(dir, "logs", "run.result.json"), "utf8")).reason).toBe("error")
  })

  it.concurrent("an infinite loop is killed at the deadline as timeout, with its whole process group", async () => {
    const dir = workspaceWith(`${header}
import { spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  const helper = spawn("sleep", ["300"], { stdio: "ignore" })
  writeFileSync("PIDS", JSON.stringify({ harness: process.pid, helper: helper.pid }))
  for (;;) {}
}`)
    const started = Date.now()
    const crash = crashOf(await run(dir, 1, { deadline: 12 }))
    expect(crash.reason).toBe("timeout")
    expect(Date.now() - started).toBeLessThan(20_000)
    const pids = JSON.parse(readFileSync(join(dir, "PIDS"), "utf8")) as { harness: number; helper: number }
    expect(groupAlive(pids.harness)).toBe(false)
    // The helper it started is gone too (or a zombie waiting for a reaper).
    const helperState = existsSync(`/proc/${pids.helper}/stat`) ? readFileSync(`/proc/${pids.helper}/stat`, "utf8").split(") ")[1]![0] : "gone"
    expect(["gone", "Z", "X"]).toContain(helperState)
  })
})

describe("TfjsTrainer integrity guards", () => {
  it.concurrent("a fake val_bpb printed (or forged on the channel) by the canvas does not count", async () => {
    const dir = workspaceWith(`${header}
import { writeSync } from "node:fs"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  console.log("---\\nval_bpb:          0.000001\\ntraining_seconds: 1.0\\ntotal_seconds:    1.0\\npeak_vram_mb:     1.0")
  const metrics = { valBpb: 0.000001, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 1 }
  for (const nonce of ["", "0", "guess"]) try { writeSync(3, JSON.stringify({ type: "result", nonce, metrics }) + "\\n") } catch {}
  process.exit(0)
}`)
    const crash = crashOf(await run(dir, 5))
    expect(crash.reason).toBe("error")
    expect(crash.logTail).toMatch(/val_bpb: +0\.000001/)
  })

  it.concurrent("a model that reads future tokens is invalid", async () => {
    const dir = workspaceWith(`${header}
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  return {
    numParams: 0, depth: 0, flopsPerToken: 0,
    // "Predicts" the next input token, which is the target: a look-ahead.
    perTokenLoss: (inputs: Int32Array, targets: Int32Array, _b: number, seqLen: number) =>
      Float32Array.from(targets, (t, i) => (i % seqLen < seqLen - 1 && inputs[i + 1] === t ? 0.001 : Math.log(ctx.profile.vocabSize)))
  }
}`)
    const crash = crashOf(await run(dir, 5))
    expect(crash.reason).toBe("invalid")
    expect(crash.message).toMatch(/looks ahead/)
  })

  it.concurrent("a canvas that trains past its budget is invalid", async () => {
    const dir = workspaceWith(`${header}
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  const started = Date.now()
  while (Date.now() - started < 9000) {
    ctx.endStep({ loss: 1, tokens: 1 }) // its "stop" answer ignored
    await new Promise((r) => setTimeout(r, 20))
  }
  return ${uniformModel("ctx.profile.vocabSize")}
}`)
    const crash = crashOf(await run(dir, 1))
    expect(crash.reason).toBe("invalid")
    expect(crash.message).toMatch(/budget of 1 s/)
  })

  it("a canvas that edits a fixed file is invalid, and the next run is refused", async () => {
    const valTokens = env.fixedFiles.find((f) => f.endsWith("val.tokens"))!.replace(env.cacheDir, join(cacheDir, "cpu", env.cacheDir.split("/").pop()!))
    expect(existsSync(valTokens)).toBe(true)
    const original = readFileSync(valTokens)
    const dir = workspaceWith(`${header}
import { appendFileSync } from "node:fs"
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  appendFileSync(${JSON.stringify(valTokens)}, "tampered")
  return ${uniformModel("_ctx.profile.vocabSize")}
}`)
    try {
      const layer = TfjsTrainer.layer({ cacheDir, backend: "wasm" })
      const twice = Effect.flatMap(Trainer, (t) =>
        Effect.all([1, 2].map((n) => t.run({ dir, budgetSeconds: 5, logFile: join(dir, "logs", `run${n}.log`) })))
      )
      const [first, second] = await Effect.runPromise(Effect.provide(twice, layer))
      expect(crashOf(first!).reason).toBe("invalid")
      expect(crashOf(first!).message).toMatch(/changed fixed files: .*val\.tokens/)
      expect(crashOf(second!).reason).toBe("invalid")
      expect(crashOf(second!).message).toMatch(/refused to run/)
    } finally {
      writeFileSync(valTokens, original)
    }
  })
})

describe("TfjsTrainer on the template canvas", () => {
  it("trains ~30 s on the embedded corpus and ends clearly below the unigram val_bpb", async () => {
    const dir = workspaceWith(readFileSync(canvasTemplatePath, "utf8"))
    const ticks: TrainingProgress[] = []
    const report = await run(dir, 30, { onProgress: (p) => ticks.push(p) })
    if (report._tag !== "Success") throw new Error(`${report.reason}: ${report.message}\n${report.logTail}`)
    const floor = await unigramBpb(env)
    const m = report.metrics
    expect(m.valBpb).toBeLessThan(floor - 0.15)
    expect(m.trainingSeconds).toBeGreaterThanOrEqual(30)
    expect(m.backend).toBe("wasm")
    expect(m.memoryKind).toBe("rss")
    expect(m.numSteps).toBeGreaterThan(10)
    expect(ticks.length).toBeGreaterThan(3)
    expect(ticks.at(-1)!.progress).toBe(1)
    expect(readFileSync(join(dir, "logs", "run.log"), "utf8")).toMatch(/^val_bpb: +\d\.\d{6}$/m)
  }, 150_000)
})
