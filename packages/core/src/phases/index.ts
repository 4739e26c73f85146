// The loop's phases, for a loop of another shape (the parallel coordinator of
// @autoresearch/distributed composes the same phases around experiments in flight).
export { backOff } from "./back-off.js"
export { measureBaseline } from "./baseline.js"
export { confirm } from "./confirm.js"
export { decide } from "./decide.js"
export { type Experiment, ExperimentEnded, type Outcome, startExperiment, unlessKilled } from "./experiment.js"
export { openRun } from "./open-run.js"
export { proposeAndApply } from "./propose-and-apply.js"
export { finishedRecord, record } from "./record.js"
export { repair } from "./repair.js"
export { killed, logFile, notice, stopping, type LoopRun } from "./run-context.js"
export { bestCommit, type LoopState, sessionExperiments, stopReason } from "./state.js"
export { train } from "./train.js"
