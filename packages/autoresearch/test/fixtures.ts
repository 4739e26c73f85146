// Hand-written experiment records (the shape the loop's store writes) for the pure renderers.
import type { ExperimentRecord, Status } from "@autoresearch/core"

export const record = (
  id: number,
  status: Status,
  valBpb: number | null,
  description: string,
  extra: Partial<ExperimentRecord> = {}
): ExperimentRecord => ({
  id,
  tag: "test",
  baseline: id === 1,
  description,
  status,
  decisionReason: status,
  parent: `${String(id - 1).padStart(7, "0")}aaaaaaaa`,
  commit: `${String(id).padStart(7, "0")}bbbbbbbb`,
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:01:00.000Z",
  durations: { agentMs: 10, trainMs: 60_000, totalMs: 60_010 },
  costUsd: 0,
  repairs: 0,
  ...(valBpb !== null
    ? {
        metrics: {
          valBpb,
          trainingSeconds: 60,
          totalSeconds: 70,
          peakMemoryMb: 2048,
          memoryKind: "rss" as const,
          mfuPercent: 0,
          totalTokensM: 1,
          numSteps: 10,
          numParamsM: 1,
          depth: 4
        }
      }
    : {}),
  ...(status === "crash" ? { crash: { reason: "nan" as const, message: "loss is NaN", logTail: "step 3 loss nan\nFAIL" } } : {}),
  ...extra
})

/** A small run: baseline, a keep, a discard, a crash, another keep. */
export const sampleRun: ReadonlyArray<ExperimentRecord> = [
  record(1, "keep", 2.5, "baseline"),
  record(2, "keep", 2.4, "MATRIX_LR 0.04 → 0.06"),
  record(3, "discard", 2.45, "DEPTH 4 → 6"),
  record(4, "crash", null, "HEAD_DIM 64 → 48"),
  record(5, "keep", 2.35, "WARMDOWN_RATIO 0.5 → 0.6")
]
