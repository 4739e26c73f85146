// autoresearch: batteries included. `runResearch` wires the default layers; everything the
// defaults are made of is re-exported so a script can replace any one of them.
export { runResearch, research, resolveResearch, defaultTag, expandHome, type ResearchOptions, type ResolvedResearch } from "./run-research.js"
export { ResearchError, type ResearchErrorReason } from "./research-error.js"
export { agentChoices, agentFromEnv, agentLayer, chooseAgent, type AgentChoice, type AgentSelection } from "./agent-selection.js"

// results, charts, reports, the dashboard: usable from a script as well as from the CLI
export { summarize as summarizeResults, type CommitMean, type ResultRow, type ResultsSummary } from "./results/summary.js"
export { renderTable, renderTotals } from "./results/table.js"
export { readRecords, parseRecords, listTags } from "./results/records.js"
export { renderChartSvg, chartPoints, type ChartPoint, type ChartOptions } from "./report/chart.js"
export { renderHtmlReport } from "./report/html.js"
export { writeReport, type ReportFiles } from "./report/write-report.js"
export { startDashboard, type Dashboard, type DashboardOptions } from "./dashboard/server.js"
export { eventLogWriter, eventsFile, parseEventLine, type TimedEvent } from "./events/event-log.js"
export { initWorkspace, type InitOptions, type InitializedWorkspace } from "./workspace/init-workspace.js"
export { WorkspaceProfile, readWorkspaceProfile, requireWorkspace, type ResearchWorkspace } from "./workspace/workspace.js"
export { UserError } from "./user-error.js"

// the core vocabulary: the services, the loop as an Effect (ResearchLoop.run, runLoop with
// your own layers), the domain and the errors
export {
  Agent,
  Trainer,
  Evaluator,
  Store,
  Workspace,
  ResearchEvents,
  ResultsStore,
  ResearchLoop,
  runLoop,
  runLoopEffect,
  LoopInterrupt,
  checkRunReport,
  runDeadlineSeconds,
  trainDeadlineSeconds,
  type AgentService,
  type TrainerService,
  type EvaluatorService,
  type StoreService,
  type WorkspaceService,
  type ResearchEventsService,
  type PromiseAgent,
  type PromiseTrainer,
  type RunLoopOptions,
  type LoopOptions,
  type LoopConfig,
  type ProposalInput,
  type RunReportInput,
  type RunMetricsInput,
  ConfigError,
  AgentError,
  TrainerError,
  EvaluatorError,
  StoreError,
  WorkspaceError,
  EditError,
  type ExperimentRecord,
  type Summary,
  type Proposal,
  type FileEdit,
  type RunReport,
  type RunMetrics,
  type ResearchEvent,
  type ProposalContext,
  type CanvasFile,
  type TrainSpec,
  type TrainingProgress,
  type LossModel,
  type Evaluation,
  type LoopConfigInput,
  type Status
} from "@autoresearch/core"

// the default parts, to configure or to replace
export { GitWorkspace } from "@autoresearch/git"
export { TfjsTrainer, CommandTrainer, parseSummary, formatSummary, type TfjsTrainerOptions, type CommandTrainerOptions } from "@autoresearch/trainer-tfjs"
export { prepare, loadPrepared, profiles, PreparedEvaluator, type PreparedEnvironment, type Profile, type ProfileName } from "@autoresearch/prepare"
export { AnthropicAgent } from "@autoresearch/agent-anthropic"
export { OpenAIAgent } from "@autoresearch/agent-openai"
export { SearchAgent } from "@autoresearch/agent-search"
