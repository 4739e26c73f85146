import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { RunReport, Trainer } from "@autoresearch/core"
import { CommandTrainer, formatSummary, parseSummary, reportFromCommand } from "../src/index.js"
import { classify } from "../src/harness/setup.js"

const script = fileURLToPath(new URL("./fixtures/fake_train.py", import.meta.url))

const runScript = async (mode: string, deadline?: number, signal?: AbortSignal): Promise<RunReport> => {
  const dir = mkdtempSync(join(tmpdir(), "command-trainer-"))
  const trainer = CommandTrainer.layer({ command: "python3", args: [script, mode] })
  try {
    return await Effect.runPromise(
      Effect.flatMap(Trainer, (t) => t.run({ dir, budgetSeconds: 300, seed: 7, logFile: join(dir, "run.log"), ...(deadline ? { deadlineSeconds: deadline } : {}), ...(signal ? { signal } : {}) })).pipe(Effect.map(Schema.decodeUnknownSync(RunReport)), Effect.provide(trainer))
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("the summary block", () => {
  it("formats the reference keys and decimals and parses back", () => {
    const metrics = {
      valBpb: 0.9979,
      trainingSeconds: 300.12,
      totalSeconds: 325.94,
      peakMemoryMb: 45060.2,
      memoryKind: "gpu" as const,
      mfuPercent: 39.8,
      totalTokensM: 499.6,
      numSteps: 953,
      numParamsM: 50.3,
      depth: 8,
      backend: "tensorflow-gpu",
      seed: 42
    }
    const text = formatSummary(metrics)
    expect(text.split("\n").slice(0, 4)).toEqual(["---", "val_bpb:          0.997900", "training_seconds: 300.1", "total_seconds:    325.9"])
    expect(parseSummary(`noise\nstep 1\n${text}\n`)).toEqual({ ...metrics, valBpb: 0.9979, trainingSeconds: 300.1, totalSeconds: 325.9 })
    expect(parseSummary("---\nval_bpb: 1.0\n")).toBeUndefined()
  })
})

describe("CommandTrainer", () => {
  it("reads the metrics of a script that prints the reference block", async () => {
    const report = await runScript("ok")
    expect(report._tag).toBe("Success")
    if (report._tag !== "Success") return
    expect(report.metrics).toMatchObject({ valBpb: 0.9979, trainingSeconds: 300, peakMemoryMb: 45060.2, numSteps: 953, depth: 8 })
    expect(report.metrics.seed).toBeUndefined()
  })

  it("hands the command the seed in $AUTORESEARCH_SEED and reads a `seed:` line back", async () => {
    const report = await runScript("seeded")
    expect(report._tag === "Success" && report.metrics.seed).toBe(7)
  })

  it("classifies FAIL as nan, a silent exit as error and a hang as timeout", async () => {
    const [nan, silent, hang] = await Promise.all([runScript("nan"), runScript("silent"), runScript("hang", 2)])
    expect(nan).toMatchObject({ _tag: "Crash", reason: "nan" })
    expect(silent).toMatchObject({ _tag: "Crash", reason: "error" })
    expect(hang).toMatchObject({ _tag: "Crash", reason: "timeout" })
    if (nan._tag === "Crash") expect(nan.logTail).toMatch(/FAIL/)
  })

  it("kills the command at once when the run is aborted", async () => {
    const started = Date.now()
    const report = await runScript("hang", undefined, AbortSignal.timeout(500))
    expect(report).toMatchObject({ _tag: "Crash", reason: "error", message: "the run was aborted" })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it("recognises out-of-memory failures in a log tail and in a harness exception", () => {
    const exit = { code: 1, signal: null, timedOut: false, aborted: false, output: "", pid: 1 }
    expect(reportFromCommand({ ...exit, tail: "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2 GiB" })).toMatchObject({ reason: "oom" })
    expect(reportFromCommand({ ...exit, tail: "Traceback ...\nValueError: bad shape" })).toMatchObject({ reason: "error" })
    expect(classify(new RangeError("Array buffer allocation failed")).reason).toBe("oom")
    expect(classify(new Error("Aborted(Cannot enlarge memory arrays to size 4294967296 bytes)")).reason).toBe("oom")
    expect(classify(new TypeError("x is not a function")).reason).toBe("error")
  })
})
