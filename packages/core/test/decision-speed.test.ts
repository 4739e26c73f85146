// Judging runs at equal speed (decision/speed.ts): on a shared machine the same model trains
// 20 % more or fewer tokens from one minute to the next, and a wall-clock budget turns that into
// val_bpb. Synthetic runs with a known slope and noise show the fit recovers them, leaves a
// speed-blind trainer alone, and keeps a fast minute from passing for a gain.
import { describe, expect, it } from "vitest"
import { atSpeed, candidateSpeed, fitSpeed, judge, judgeAtSpeed, pooledNoise, type SpeedRun, usualLogSpeed } from "../src/decision/index.js"

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

const SLOPE = -0.5 // val_bpb per e-fold of tokens/s, as measured on this machine (docs/loop.md)
const RESIDUAL = 0.005

/** `count` runs of a configuration with true val_bpb `truth` at 40 k tokens/s, each at a random speed. */
const runsOf = (next: () => number, truth: number, count: number, speedSpread = 0.1, usual = 40_000): Array<SpeedRun> => {
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  return Array.from({ length: count }, () => {
    const logFactor = speedSpread * gaussian()
    return { valBpb: truth + SLOPE * logFactor + RESIDUAL * gaussian(), tokensPerSecond: usual * Math.exp(logFactor) }
  })
}

describe("val_bpb at equal speed", () => {
  it("recovers the slope and the noise left at equal speed from a night's repeated runs", () => {
    const next = random(7)
    const groups = Array.from({ length: 8 }, (_, g) => runsOf(next, 2 + g * 0.01, 3))
    const fit = fitSpeed(groups)
    expect(fit.slope).toBeGreaterThan(-0.6)
    expect(fit.slope).toBeLessThan(-0.4)
    expect(fit.noise.std).toBeLessThan(2 * RESIDUAL)
    expect(fit.noise.std).toBeLessThan(pooledNoise(groups.map((group) => group.map((run) => run.valBpb))).std / 3)
    expect(fit.noise.dof).toBe(8 * 2 - 1) // one degree of freedom spent on the slope
    expect(fit.speedNoise.std).toBeCloseTo(0.1, 1)
  })

  it("fits no slope when val_bpb does not follow the speed, when the runs are too few, or when no run has a speed", () => {
    const next = random(11)
    const unrelated = Array.from({ length: 8 }, () => runsOf(next, 2, 3).map((run) => ({ ...run, valBpb: 2 + 0.01 * (next() - 0.5) })))
    expect(fitSpeed(unrelated).slope).toBe(0)
    expect(fitSpeed(unrelated).noise).toEqual(pooledNoise(unrelated.map((group) => group.map((run) => run.valBpb))))
    expect(fitSpeed([runsOf(next, 2, 3)]).slope).toBe(0) // 2 dof
    const blind = Array.from({ length: 8 }, () => runsOf(next, 2, 3).map(({ valBpb }) => ({ valBpb })))
    expect(fitSpeed(blind).slope).toBe(0)
    expect(atSpeed(blind[0]!, -0.5, Math.log(40_000))).toEqual(blind[0]!.map((run) => run.valBpb))
  })

  it("holds a candidate of the best's speed to the best's usual speed, and a faster model to its own, with its luck as noise", () => {
    const next = random(13)
    const best = runsOf(next, 2, 9, 0.08)
    const fit = { slope: -0.5, slopeError: 0.05, noise: { std: 0.01, dof: 20 }, plainNoise: { std: 0.04, dof: 20 }, speedNoise: { std: 0.08, dof: 20 } }
    const lucky = [{ valBpb: 1.95, tokensPerSecond: 44_000 }, { valBpb: 1.96, tokensPerSecond: 43_000 }] // 8–10 % fast: luck, for two runs
    expect(candidateSpeed(lucky, best, fit)).toEqual({ logSpeed: usualLogSpeed(best), extraVariance: 0 })
    const smaller = [{ valBpb: 1.9, tokensPerSecond: 80_000 }, { valBpb: 1.91, tokensPerSecond: 82_000 }]
    const own = candidateSpeed(smaller, best, fit)
    expect(own.logSpeed).toBeCloseTo((Math.log(80_000) + Math.log(82_000)) / 2, 10)
    expect(own.extraVariance).toBeCloseTo((0.5 * 0.08) ** 2, 10)
    // Its own speed's luck widens the bar: the same margin needs more.
    const narrow = judge([1.9], [2, 2, 2], { std: 0.01, dof: 20 }, { minDelta: 0 })
    const wide = judge([1.9], [2, 2, 2], { std: 0.01, dof: 20 }, { minDelta: 0 }, [], { perRun: own.extraVariance })
    expect(wide.evidence.bar).toBeGreaterThan(3 * narrow.evidence.bar)
  })

  it("does not keep the same model whose pairs ran in faster minutes than the best's beside them", () => {
    // Run 3's false keep (docs/loop.md): the best usually trains at 44 k tokens/s, but in this
    // decision's pairs it drew slow minutes (38 k) while the change, the same model, drew 42–45 k.
    const next = random(17)
    const earlier = Array.from({ length: 8 }, (_, g) => runsOf(next, 2 + g * 0.01, 3, 0.08, 44_000))
    const history = runsOf(next, 2, 12, 0.08, 44_000)
    const at = (tokensPerSecond: number): SpeedRun => ({ valBpb: 2 + SLOPE * Math.log(tokensPerSecond / 44_000) + RESIDUAL * (next() - 0.5), tokensPerSecond })
    const bestReruns = [38_000, 38_500, 37_800].map(at)
    const candidate = [44_000, 42_500, 45_000, 43_000].map(at)
    const options = { minDelta: 0, z: 2 }
    const values = (runs: ReadonlyArray<SpeedRun>) => runs.map((run) => run.valBpb)
    const groups = [...earlier, bestReruns, candidate]

    const asMeasured = judge(values(candidate), values(history), pooledNoise(groups.map(values)), options, values(bestReruns))
    expect(asMeasured._tag).toBe("Keep") // what a speed-blind rule decides
    const bests = [...history, ...bestReruns]
    const fit = fitSpeed(groups)
    expect(candidateSpeed(candidate, bests, fit)).toEqual({ logSpeed: usualLogSpeed(bests), extraVariance: 0 }) // the best's speed
    // At equal speed it is never kept, at any number of its pairs.
    for (let pairs = 0; pairs <= bestReruns.length; pairs++) {
      const { verdict } = judgeAtSpeed({ earlier, history, candidate: candidate.slice(0, pairs + 1), bestReruns: bestReruns.slice(0, pairs) }, options)
      expect(verdict._tag).not.toBe("Keep")
    }
    const { verdict, slope } = judgeAtSpeed({ earlier, history, candidate, bestReruns }, options)
    expect(slope).toBe(fit.slope)
    expect(verdict._tag).toBe("Discard")
    expect(verdict.reason).toMatch(/at equal speed/)
    expect(verdict.evidence.margin).toBeLessThan(asMeasured.evidence.margin / 2)
  })
})
