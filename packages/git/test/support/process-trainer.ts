// TEST DOUBLE: a Trainer that runs fake-train.mjs as a real child process, killed at once by
// spec.signal or by interruption, like the real harness.
import { spawn } from "node:child_process"
import { Effect, Layer } from "effect"
import { Trainer, TrainerError, type RunReport, type TrainSpec } from "@autoresearch/core"

const run = (script: string) => (spec: TrainSpec) =>
  Effect.async<RunReport, TrainerError>((resume) => {
    const child = spawn(process.execPath, [script, spec.logFile], { cwd: spec.dir, stdio: ["pipe", "pipe", "ignore"] })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
    const kill = () => child.kill("SIGKILL")
    spec.signal?.addEventListener("abort", kill)
    child.on("error", (error) => resume(Effect.fail(new TrainerError({ message: error.message, cause: error }))))
    child.on("close", (code) => {
      spec.signal?.removeEventListener("abort", kill)
      if (code === 0) {
        const { valBpb } = JSON.parse(out) as { valBpb: number }
        resume(Effect.succeed({ _tag: "Success", metrics: { valBpb, trainingSeconds: 0.05, totalSeconds: 0.05, peakMemoryMb: 100, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 1, numParamsM: 0, depth: 0 } }))
      } else {
        const message = out === "" ? `exit ${code}` : (JSON.parse(out) as { crash: string }).crash
        resume(Effect.succeed({ _tag: "Crash", reason: "error", message, logTail: message }))
      }
    })
    return Effect.sync(kill)
  })

/** `script` is the path of fake-train.mjs (passed in: this module may run bundled elsewhere). */
export const ProcessTrainerDouble = {
  layer: (script: string) => Layer.succeed(Trainer, { name: "process-trainer (test double)", run: run(script) })
}
