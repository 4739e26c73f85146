import { describe, expect, it } from "vitest"
import type { RunReport } from "../src/domain.js"
import { decide, keepThreshold, nonBlankLines, sampleStd } from "../src/policy.js"

const ok = (valBpb: number): RunReport => ({
  _tag: "Success",
  metrics: { valBpb, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 1, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 0, numParamsM: 0, depth: 0 }
})

describe("decide", () => {
  it("keeps the baseline", () => {
    expect(decide({ report: ok(1), minDelta: 0 }).status).toBe("keep")
  })
  it("keeps a strict improvement and discards an equal or worse one", () => {
    const best = { valBpb: 1, canvasLines: 10 }
    expect(decide({ report: ok(0.99), best, canvasLines: 12, minDelta: 0 }).status).toBe("keep")
    expect(decide({ report: ok(1), best, canvasLines: 10, minDelta: 0 }).status).toBe("discard")
    expect(decide({ report: ok(1.01), best, canvasLines: 5, minDelta: 0 }).status).toBe("discard")
  })
  it("needs more than minDelta to keep", () => {
    const best = { valBpb: 1, canvasLines: 10 }
    expect(decide({ report: ok(0.995), best, canvasLines: 10, minDelta: 0.01 }).status).toBe("discard")
    expect(decide({ report: ok(0.985), best, canvasLines: 10, minDelta: 0.01 }).status).toBe("keep")
  })
  it("keeps an equal result with fewer lines as a simplification", () => {
    const best = { valBpb: 1, canvasLines: 10 }
    const d = decide({ report: ok(1.004), best, canvasLines: 9, minDelta: 0.005 })
    expect(d.status).toBe("keep")
    expect(d.reason).toMatch(/simplification/)
    expect(decide({ report: ok(1.006), best, canvasLines: 9, minDelta: 0.005 }).status).toBe("discard")
  })
  it("uses the noise floor when it is larger than minDelta", () => {
    const best = { valBpb: 1, canvasLines: 10 }
    expect(decide({ report: ok(0.99), best, canvasLines: 10, minDelta: 0, noiseThreshold: 0.02 }).status).toBe("discard")
    expect(decide({ report: ok(0.97), best, canvasLines: 10, minDelta: 0, noiseThreshold: 0.02 }).status).toBe("keep")
    expect(keepThreshold(0.01, 0.002)).toBe(0.01)
  })
  it("maps crashes, NaN and integrity refusals", () => {
    const crash: RunReport = { _tag: "Crash", reason: "oom", message: "out of memory", logTail: "" }
    expect(decide({ report: crash, best: { valBpb: 1 }, minDelta: 0 })).toEqual({ status: "crash", reason: "oom: out of memory" })
    expect(decide({ report: { ...crash, reason: "invalid" }, minDelta: 0 }).status).toBe("invalid")
    expect(decide({ report: ok(Number.NaN), best: { valBpb: 1 }, minDelta: 0 }).status).toBe("crash")
  })
})

describe("helpers", () => {
  it("counts non-blank lines and the sample std", () => {
    expect(nonBlankLines("a\n\n  \nb\n")).toBe(2)
    expect(sampleStd([1])).toBe(0)
    expect(sampleStd([1, 3])).toBeCloseTo(Math.SQRT2, 12)
  })
})
