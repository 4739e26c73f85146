export { TfjsTrainer, trainOnce, harnessCommand, type TfjsTrainerOptions } from "./tfjs-trainer.js"
export { CommandTrainer, reportFromCommand, type CommandTrainerOptions } from "./command-trainer.js"
export { formatSummary, parseSummary } from "./summary.js"
export { selectBackend, parseBackendChoice, installFastKernelsIfPresent, backendChoices, type ActiveBackend, type BackendChoice } from "./backend.js"
export { causalityViolation, type ProbeRows } from "./integrity/causality.js"
export { hashFiles, changedFiles, fixedCodeFiles, type FixedHashes } from "./integrity/fixed-files.js"
export { recordFixedFiles, readFixedFiles, manifestPath } from "./integrity/manifest.js"
export { runInGroup, killGroup, groupAlive, type GroupRun, type GroupExit } from "./process-group.js"
export { readWorkspaceProfile, type WorkspaceProfile } from "./workspace-profile.js"
export { WARMUP_STEPS } from "./harness/run.js"
export type { CanvasContext, TrainedModel, StepReport, BatchLoader, Batch, CanvasProfile, CanvasTokenizer } from "./canvas.js"

import { fileURLToPath } from "node:url"
/** Absolute path of the canvas template (`autoresearch init` copies it into a workspace). */
export const canvasTemplatePath = fileURLToPath(new URL("../templates/train.ts", import.meta.url))
export { unigramModel, unigramBpb } from "./unigram.js"
