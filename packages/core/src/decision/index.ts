export { mean, type NoiseEstimate, pooledNoise, tQuantile } from "./noise.js"
export { type Evidence, judge, type RuleOptions, type Verdict } from "./rule.js"
export { type BandOptions, isDisturbed, throughputBand, type ThroughputBand, throughputOf } from "./load.js"
export { recentThroughputs, runsByCommit } from "./runs.js"
