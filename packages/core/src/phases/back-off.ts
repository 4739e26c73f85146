// Back off: after a retryable agent error (rate limit, overload, server or network error) the
// loop waits before the next experiment, twice as long after each one in a row, up to a cap.
// The wait ends early on an interrupt or when maxDurationSeconds is reached.
import { Effect } from "effect"
import { notice, type LoopRun } from "./run-context.js"
import { sessionSeconds, type LoopState } from "./state.js"

/** Seconds to wait after `inARow` retryable agent errors (0 when there were none). */
export const backOffSeconds = (run: LoopRun, inARow: number): number =>
  inARow === 0 ? 0 : Math.min(run.config.agentRetryDelaySeconds * 2 ** (inARow - 1), run.config.agentRetryMaxDelaySeconds)

/** Sleeps `ms`, or less when a signal aborts first. */
const sleep = (ms: number, signals: ReadonlyArray<AbortSignal | undefined>) =>
  Effect.async<void>((resume) => {
    const live = signals.filter((s): s is AbortSignal => s !== undefined)
    const done = () => {
      clearTimeout(timer)
      for (const s of live) s.removeEventListener("abort", done)
      resume(Effect.void)
    }
    const timer = setTimeout(done, ms)
    for (const s of live) s.addEventListener("abort", done)
    if (live.some((s) => s.aborted)) done()
    return Effect.sync(done)
  })

export const backOff = (run: LoopRun, state: LoopState): Effect.Effect<void> =>
  Effect.gen(function* () {
    let seconds = backOffSeconds(run, state.retryableInARow)
    if (run.config.maxDurationSeconds !== undefined) seconds = Math.min(seconds, Math.max(0, run.config.maxDurationSeconds - sessionSeconds(state)))
    if (seconds <= 0) return
    yield* notice(run, `the agent failed with a retryable error ${state.retryableInARow} time(s) in a row; waiting ${seconds} s before the next experiment`)
    yield* sleep(seconds * 1000, [run.runtime.signal, run.runtime.killSignal])
  })
