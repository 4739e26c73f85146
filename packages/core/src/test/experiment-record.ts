// TEST DOUBLE. An ExperimentRecord with every field filled, for tests of history, context and
// search: name what matters (id, status, description, val_bpb) and take the rest as given.
import type { ExperimentRecord } from "../domain.js"

/** TEST DOUBLE input of `experimentRecord`: the fields that matter to a test; the rest take defaults. */
export interface ExperimentRecordFixture {
  readonly id: number
  readonly status: ExperimentRecord["status"]
  readonly description: string
  /** With a val_bpb the record carries metrics (all else in them 1 or 0); without, none. */
  readonly valBpb?: number | undefined
  readonly tag?: string
  readonly parent?: string
  readonly commit?: string
}

/** A finished experiment record; the baseline when `id` is 1. */
export const experimentRecord = (fixture: ExperimentRecordFixture): ExperimentRecord => ({
  id: fixture.id,
  tag: fixture.tag ?? "t",
  baseline: fixture.id === 1,
  description: fixture.description,
  status: fixture.status,
  decisionReason: "",
  parent: fixture.parent ?? "a",
  commit: fixture.commit ?? "b",
  startedAt: "",
  finishedAt: "",
  durations: { agentMs: 0, trainMs: 0, totalMs: 0 },
  costUsd: 0,
  ...(fixture.valBpb !== undefined
    ? {
        metrics: {
          valBpb: fixture.valBpb,
          trainingSeconds: 1,
          totalSeconds: 1,
          peakMemoryMb: 1,
          memoryKind: "rss",
          mfuPercent: 0,
          totalTokensM: 0,
          numSteps: 0,
          numParamsM: 0,
          depth: 0
        }
      }
    : {}),
  repairs: 0
})
