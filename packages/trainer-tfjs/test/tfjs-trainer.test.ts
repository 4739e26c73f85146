// Real harness child processes on the real prepared `cpu` environment: crash classes, the
// integrity guards, and a short training run that must beat the unigram floor.
import { existsSync, readFileSync } from "node:fs"
import { spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RunReport, type RunReportInput, Trainer, type TrainingProgress } from "@autoresearch/core"
import type { PreparedEnvironment } from "@autoresearch/prepare"
import { canvasTemplatePath, TfjsTrainer, unigramBpb } from "../src/index.js"
import { canvasHeader, noWeights, privatePrepared, removeFixtures, workspaceWith } from "./fixtures/prepared.js"
import { alive, processesMarked } from "./fixtures/processes.js"

let cacheDir: string
let env: PreparedEnvironment
beforeAll(async () => {
  ;({ cacheDir, env } = await privatePrepared())
}, 120_000)
afterAll(removeFixtures)

const here = dirname(fileURLToPath(import.meta.url))
const header = canvasHeader

const run = (dir: string, budgetSeconds: number, options: { onProgress?: (p: TrainingProgress) => void; mark?: string } = {}) =>
  Effect.runPromise(
    Effect.flatMap(Trainer, (t) =>
      t.run({ dir, budgetSeconds, logFile: join(dir, "logs", "run.log"), ...(options.onProgress ? { onProgress: options.onProgress } : {}) })
    ).pipe(
      Effect.map(Schema.decodeUnknownSync(RunReport)), // as the loop decodes it
      Effect.provide(
        TfjsTrainer.layer({ cacheDir, backend: "wasm", ...(options.mark ? { env: { AUTORESEARCH_TEST_MARK: options.mark } } : {}) })
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
export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  ctx.log("spinning")
  for (;;) {}
}`)
    const mark = `orphan-${process.pid}-${Date.now()}`
    const parent = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(here, "fixtures", "orphaning-parent.ts"), dir, cacheDir, mark], {
      stdio: "ignore"
    })
    const logFile = join(dir, "logs", "run.log")
    for (let i = 0; i < 900 && !(existsSync(logFile) && readFileSync(logFile, "utf8").includes("spinning")); i++) await sleep(100)
    const harness = processesMarked(mark)
    expect(harness.length).toBeGreaterThan(0)
    parent.kill("SIGKILL")
    for (let i = 0; i < 50 && harness.some((pid) => alive(pid)); i++) await sleep(100)
    expect(harness.filter((pid) => alive(pid))).toEqual([])
  }, 120_000)
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

  it.concurrent("an infinite loop is killed at the parent's limit as timeout, and nothing of it survives", async () => {
    const dir = workspaceWith(`${header}
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  for (;;) {}
}`)
    const started = Date.now()
    const mark = `run-${process.pid}-${Date.now()}`
    const crash = crashOf(await run(dir, 1, { mark }))
    expect(crash.reason).toBe("timeout")
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(processesMarked(mark)).toEqual([])
  })

  it.concurrent("a canvas without load() is an error, with a clear message", async () => {
    const dir = workspaceWith(`${header}
export default async function train(_ctx: CanvasContext): Promise<TrainedModel> {
  return ${noWeights}
}`)
    const crash = crashOf(await run(dir, 1))
    expect(crash.reason).toBe("error")
    expect(crash.message).toMatch(/export async function load/)
  })

  it.concurrent("a canvas that does not compile is an error naming the line", async () => {
    const dir = workspaceWith(`${header}
export default async function train(: CanvasContext) {}`)
    const crash = crashOf(await run(dir, 1))
    expect(crash.reason).toBe("error")
    expect(crash.message).toMatch(/does not compile: train\.ts:3:\d+: Expected identifier/)
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
    // The honest template passes every check of the evaluation, unflagged.
    const log = readFileSync(join(dir, "logs", "run.log"), "utf8")
    expect(log).toMatch(/twins, \d+ repeats, \d+ distributions checked/)
    expect(log).not.toMatch(/invalid/)
    expect(ticks.length).toBeGreaterThan(3)
    expect(ticks.at(-1)!.progress).toBe(1)
    expect(readFileSync(join(dir, "logs", "run.log"), "utf8")).toMatch(/^val_bpb: +\d\.\d{6}$/m)
  }, 150_000)
})
