// The decision rule against a scripted noisy trainer: val_bpb is drawn from known distributions
// (a per-seed initialisation term shared by runs with the same seed, plus per-run timing noise),
// so false keeps and missed gains can be counted over many simulated decisions.
import { describe, expect, it } from "vitest"
import { isDisturbed, judge, pooledNoise, throughputBand, throughputOf, tQuantile, type Verdict } from "../src/decision/index.js"

const random = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A scripted trainer (a test double: a real one takes minutes per run): val_bpb = truth + seed term + timing noise. */
const scriptedTrainer = (seed: number, seedStd: number, runStd: number) => {
  const next = random(seed)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  const seedTerms = new Map<number, number>()
  return (truth: number, runSeed: number) => {
    if (!seedTerms.has(runSeed)) seedTerms.set(runSeed, seedStd * gaussian())
    return truth + seedTerms.get(runSeed)! + runStd * gaussian()
  }
}

const SIGMA = 0.011 // the run-to-run σ measured on this machine (issue 17)
const total = Math.hypot(SIGMA * 0.5, SIGMA * Math.sqrt(0.75)) // seed and timing parts

/**
 * One decision as the loop makes it: 3 baseline runs, then the candidate, confirmed while asked.
 * `shift` is a change of machine load after the best's runs: every later run (the candidate's
 * and the paired re-runs) scores `shift` lower, as a quieter machine trains more in the budget.
 */
const decideOnce = (train: ReturnType<typeof scriptedTrainer>, gain: number, firstSeed: number, earlier: ReadonlyArray<ReadonlyArray<number>> = [], shift = 0) => {
  const bestTruth = 1.5
  let seed = firstSeed
  const best = [0, 1, 2].map(() => train(bestTruth, seed++))
  const candidate = [train(bestTruth - gain - shift, seed++)]
  const bestReruns: Array<number> = []
  let runs = 1
  for (;;) {
    const verdict: Verdict = judge(candidate, best, pooledNoise([...earlier, [...best, ...bestReruns], candidate]), { minDelta: 0 }, bestReruns)
    if (verdict._tag !== "Confirm") return { verdict, runs }
    // A paired re-run: the candidate and the best with the same fresh seed, under the same load.
    const shared = seed++
    candidate.push(train(bestTruth - gain - shift, shared))
    bestReruns.push(train(bestTruth - shift, shared))
    runs += 2
  }
}

/** `history` earlier groups of 3 repeated runs feed the noise estimate, as a night's re-runs do. */
const simulate = (gain: number, trials: number, seed: number, history = 0, shift = 0) => {
  const train = scriptedTrainer(seed, SIGMA * 0.5, SIGMA * Math.sqrt(0.75))
  let keeps = 0
  let runs = 0
  for (let i = 0; i < trials; i++) {
    const earlier = Array.from({ length: history }, (_, g) => [0, 1, 2].map((k) => train(2, 1e6 + i * 100 + g * 3 + k)))
    const outcome = decideOnce(train, gain, i * 100, earlier, shift)
    if (outcome.verdict._tag === "Keep") keeps++
    runs += outcome.runs
  }
  return { keepRate: keeps / trials, runsPerDecision: runs / trials }
}

describe("the decision rule on a scripted noisy trainer", () => {
  it("keeps a change with no true gain in under 5 % of 4000 decisions", () => {
    const { keepRate, runsPerDecision } = simulate(0, 4000, 17)
    console.log(`true gain 0: keep rate ${keepRate}, runs per decision ${runsPerDecision}`)
    expect(keepRate).toBeLessThan(0.05)
    // The price: under one extra pair of runs per decision on average.
    expect(runsPerDecision).toBeLessThan(3)
  })

  it("with the noise estimate grown over a night: still under 5 % false keeps, more of a 2σ gain found", () => {
    const none = simulate(0, 4000, 23, 6)
    const two = simulate(2 * total, 2000, 24, 6)
    console.log(`after 6 re-run groups: gain 0 keep rate ${none.keepRate} (${none.runsPerDecision} runs); 2σ ${two.keepRate} (${two.runsPerDecision} runs)`)
    expect(none.keepRate).toBeLessThan(0.05)
    expect(two.keepRate).toBeGreaterThan(0.55)
    expect(two.keepRate).toBeGreaterThan(simulate(2 * total, 2000, 24, 0).keepRate)
  })

  it("does not read a change of machine load as a gain: the pairs decide, not the best's old runs", () => {
    // The machine got quieter after the best's runs: every later run scores 2σ lower. Judging the
    // candidate's runs against the best's old runs kept such no-gain changes (issue 17's #18).
    const { keepRate } = simulate(0, 4000, 31, 0, 2 * total)
    console.log(`true gain 0 after a 2σ load shift: keep rate ${keepRate}`)
    expect(keepRate).toBeLessThan(0.05)
  })

  it("keeps a change that is worse in (almost) none of 2000 decisions", () => {
    expect(simulate(-total, 2000, 5).keepRate).toBeLessThan(0.005)
  })

  // Pairs alone decide once confirming: half the samples of pooling the best's old runs, so a 2σ
  // gain is found less often than the pooled test found it (0.76), the price of not reading a
  // change of load as a gain (docs/loop.md).
  it("finds a true gain of 2σ in over half the decisions, and 3σ in most", () => {
    const two = simulate(2 * total, 2000, 11)
    const three = simulate(3 * total, 2000, 12)
    console.log(`true gain 2σ: keep rate ${two.keepRate} (${two.runsPerDecision} runs); 3σ: ${three.keepRate} (${three.runsPerDecision} runs)`)
    expect(two.keepRate).toBeGreaterThan(0.5)
    expect(three.keepRate).toBeGreaterThan(0.85)
  })

  it("the plain one-run rule at 2σ of 3 baseline runs would keep far more false wins", () => {
    // The rule this replaces, measured on the same trainer: keep when one run beats by 2 σ̂.
    const train = scriptedTrainer(99, SIGMA * 0.5, SIGMA * Math.sqrt(0.75))
    let falseKeeps = 0
    for (let i = 0; i < 4000; i++) {
      const best = [0, 1, 2].map((k) => train(1.5, i * 100 + k))
      const sigma = pooledNoise([best]).std
      if (train(1.5, i * 100 + 3) < best[0]! - 2 * sigma) falseKeeps++
    }
    const ours = simulate(0, 4000, 99).keepRate
    console.log(`one run at 2σ̂: false keeps ${falseKeeps / 4000}; this rule: ${ours}`)
    expect(falseKeeps / 4000).toBeGreaterThan(ours)
  })

  it("records its evidence: samples, margin, σ, the bar", () => {
    const verdict = judge([1.0], [1.02, 1.03, 1.01], pooledNoise([[1.02, 1.03, 1.01]]), { minDelta: 0 })
    expect(verdict._tag).toBe("Confirm")
    expect(verdict.evidence.candidate).toEqual([1.0])
    expect(verdict.evidence.margin).toBeCloseTo(0.02, 10)
    expect(verdict.evidence.sigma).toBeCloseTo(0.01, 10)
    expect(verdict.evidence.dof).toBe(2)
    expect(verdict.reason).toMatch(/margin 0\.0200, σ 0\.0100 \(2 dof\)/)
  })

  it("decides at once on a clear gain or a loss, and confirms without a noise estimate", () => {
    const best = [1.02, 1.03, 1.01, 1.02, 1.02, 1.03, 1.01]
    expect(judge([0.9], best, pooledNoise([best]), { minDelta: 0 })._tag).toBe("Keep")
    expect(judge([1.05], best, pooledNoise([best]), { minDelta: 0 })._tag).toBe("Discard")
    expect(judge([1.0], [1.1], pooledNoise([[1.1]]), { minDelta: 0 })._tag).toBe("Confirm")
    expect(judge([1.0], [1.1], pooledNoise([[1.1]]), { minDelta: 0.2 })._tag).toBe("Discard")
    expect(judge([1.0, 1.0, 1.0, 1.0], [1.1], { std: 0, dof: 0 }, { minDelta: 0 }, [1.1, 1.1, 1.1])._tag).toBe("Keep")
  })
})

describe("the noise estimate", () => {
  it("pools every repeated configuration and grows with the run", () => {
    expect(pooledNoise([[1]])).toEqual({ std: 0, dof: 0 })
    const early = pooledNoise([[1, 1.02]])
    const later = pooledNoise([[1, 1.02], [2, 2.02, 2.01], [3]])
    expect(early.dof).toBe(1)
    expect(later.dof).toBe(3)
    expect(early.std).toBeCloseTo(Math.SQRT2 * 0.01, 10)
  })
  it("t quantiles: above z for few dof, z for many", () => {
    expect(tQuantile(1.6449, 1e9)).toBeCloseTo(1.6449, 4)
    expect(tQuantile(1.6449, 10)).toBeCloseTo(1.812, 2)
    expect(tQuantile(1.6449, 4)).toBeCloseTo(2.132, 1)
  })
})

describe("load awareness", () => {
  const metrics = { valBpb: 1, trainingSeconds: 60, totalSeconds: 70, peakMemoryMb: 1, memoryKind: "rss" as const, mfuPercent: 0, totalTokensM: 3, numSteps: 100, numParamsM: 2, depth: 2 }
  it("measures throughput in model FLOP/s", () => {
    expect(throughputOf(metrics)).toBeCloseTo((6 * 2e6 * 3e6) / 60, 0)
    expect(throughputOf({ ...metrics, numParamsM: 0 })).toBeUndefined()
  })
  it("marks a run outside the band of recent runs as disturbed", () => {
    const recent = [100, 104, 98, 101, 99]
    expect(throughputBand(recent)!.median).toBe(100)
    expect(isDisturbed(70, recent)).toBe(true) // a package install next door
    expect(isDisturbed(95, recent)).toBe(false)
    expect(isDisturbed(70, [100, 100])).toBe(false) // too few runs for a band
    expect(isDisturbed(undefined, recent)).toBe(false)
  })
})
