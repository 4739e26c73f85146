export { mean, type NoiseEstimate, pooledNoise, tQuantile } from "./noise.js"
export { type Evidence, judge, type RuleOptions, type Verdict } from "./rule.js"
export { type BandOptions, commitThroughputs, isDisturbed, primaryRun, recentThroughputs, throughputBand, type ThroughputBand, throughputOf, tokensPerSecondOf } from "./load.js"
export { noiseGroups, runsByCommit } from "./runs.js"
