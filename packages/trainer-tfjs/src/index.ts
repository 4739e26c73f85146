export {
  TfjsTrainer,
  trainOnce,
  harnessPath,
  startupAllowanceSeconds,
  graceSeconds,
  trainingLimitSeconds,
  type TfjsTrainerOptions
} from "./tfjs-trainer.js"
export { CommandTrainer, reportFromCommand, type CommandTrainerOptions } from "./command-trainer.js"
export { formatSummary, parseSummary } from "./summary.js"
export { selectBackend, parseBackendChoice, installFastKernelsIfPresent, backendChoices, type ActiveBackend, type BackendChoice } from "./backend.js"
export { makePlan, defaultPlanOptions, type EvalPlan, type PlannedRow, type PlanOptions } from "./evaluation/plan.js"
export { scoreEvaluation, EvaluationInvalid, type EvalAnswers } from "./evaluation/score.js"
export { createSandbox, sdkReadPaths, type Sandbox } from "./sandbox.js"
export { hashFiles, changedFiles, fixedCodeFiles, type FixedHashes } from "./integrity/fixed-files.js"
export { recordFixedFiles, readFixedFiles, manifestPath } from "./integrity/manifest.js"
export { runInGroup, startInGroup, killGroup, groupAlive, type GroupRun, type GroupExit, type GroupProcess } from "./process-group.js"
export { readWorkspaceProfile, readWorkspaceProfileIfAny, WorkspaceProfile, WorkspaceProfileError, PROFILE_FILE } from "./workspace-profile.js"
export type {
  CanvasContext,
  TrainedModel,
  StepReport,
  BatchLoader,
  Batch,
  CanvasProfile,
  CanvasTokenizer,
  EvalContext,
  Predictor,
  CanvasLoader
} from "./canvas.js"

import { fileURLToPath } from "node:url"
/** Absolute path of the canvas template (`autoresearch init` copies it into a workspace). */
export const canvasTemplatePath = fileURLToPath(new URL("../templates/train.ts", import.meta.url))
export { unigramModel, unigramBpb } from "./unigram.js"
