// runResearch, batteries included: a night of research from a few lines of script. Every
// default (the tfjs trainer, the git workspace, the results store, the agent from the
// environment) is a Layer the caller may replace.
import { homedir } from "node:os"
import { join, resolve } from "node:path"
import {
  type Agent,
  ConfigError,
  decodeLoopConfig,
  type LoopConfigInput,
  type ResearchEvent,
  ResultsStore,
  runLoopEffect,
  type RunLoopOptions,
  type Store,
  type Summary,
  type Trainer,
  type Workspace
} from "@autoresearch/core"
import { GitWorkspace } from "@autoresearch/git"
import { loadPrepared, profiles } from "@autoresearch/prepare"
import { TfjsTrainer } from "@autoresearch/trainer-tfjs"
import { Effect, Exit, type Layer } from "effect"
import { agentLayer, chooseAgent, type AgentChoice, type AgentSelection } from "./agent-selection.js"
import { eventLogWriter, eventsFile } from "./events/event-log.js"
import { ResearchError } from "./research-error.js"
import { existsSync } from "node:fs"
import { CANVAS_FILE, PROFILE_FILE, PROGRAM_FILE, readWorkspaceProfile, type WorkspaceProfile } from "./workspace/workspace.js"

/** Everything `runResearch` takes: any `LoopConfig` field plus the workspace, the tag and the layers to replace. */
export interface ResearchOptions extends Partial<LoopConfigInput> {
  /** The workspace made by `autoresearch init` (default: the current directory; `~` is your home). */
  readonly dir?: string
  /** Names the run (branch autoresearch/<tag>, folder runs/<tag>); the same tag resumes. Default: today, e.g. "nov27". */
  readonly tag?: string
  /** Training seconds per experiment; default the workspace profile's budget. */
  readonly budgetSeconds?: number
  /** Convenience for maxDurationSeconds. */
  readonly maxHours?: number
  /** "claude", "openai", "search", or your own Agent layer. Default: from the environment (see agentFromEnv). */
  readonly agent?: AgentChoice | Layer.Layer<Agent, unknown>
  /** The model of an LLM agent chosen by name. */
  readonly model?: string
  /** The OpenAI agent's wire format, its reasoning effort, Claude's effort and thinking (see docs/agents.md). */
  readonly openaiApi?: AgentSelection["openaiApi"]
  readonly effort?: AgentSelection["effort"]
  readonly thinking?: AgentSelection["thinking"]
  readonly trainer?: Layer.Layer<Trainer, unknown>
  readonly store?: Layer.Layer<Store, unknown>
  readonly workspace?: Layer.Layer<Workspace, unknown>
  /** Called for every event the loop publishes (progress, proposals, records, the stop). */
  readonly onEvent?: (event: ResearchEvent) => void
  /** Write runs/<tag>/events.jsonl so `autoresearch dashboard` can follow the run (default true). */
  readonly eventsLog?: boolean
  /** Abort: stop after the running experiment, at the best commit. */
  readonly signal?: AbortSignal
  /** Abort: kill the running experiment now. */
  readonly killSignal?: AbortSignal
  readonly env?: NodeJS.ProcessEnv
}

const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
/** The reference names runs by date: "mar5". */
export const defaultTag = (now: Date = new Date()) => `${months[now.getMonth()]}${now.getDate()}`

/** What the defaults need from the workspace: its profile, unless every default is replaced. */
const workspaceProfile = (dir: string): WorkspaceProfile | undefined =>
  existsSync(join(dir, PROFILE_FILE)) ? readWorkspaceProfile(dir) : undefined

/** The resolved settings of a run: useful to show before it starts. */
export interface ResolvedResearch {
  readonly dir: string
  readonly tag: string
  readonly budgetSeconds: number
  readonly agent: string
  readonly profile: WorkspaceProfile | undefined
}

/** `~` and `~/x` mean the home directory, as in a shell. */
export const expandHome = (path: string): string => (path === "~" ? homedir() : path.startsWith("~/") ? join(homedir(), path.slice(2)) : path)

/**
 * The settings a run would use (directory, tag, budget, agent), resolved without starting it.
 *
 * @example
 * resolveResearch({ dir: "~/research" }) // { dir: "/home/me/research", tag: "nov27", budgetSeconds: 300, ... }
 */
export const resolveResearch = (options: ResearchOptions): ResolvedResearch => {
  const dir = resolve(expandHome(options.dir ?? process.cwd()))
  const profile = workspaceProfile(dir)
  const budgetSeconds = options.budgetSeconds ?? (profile !== undefined ? profiles[profile.profile].timeBudgetSeconds : undefined)
  if (budgetSeconds === undefined) {
    throw new ConfigError({
      message: `no budgetSeconds given and ${dir} has no ${PROFILE_FILE} to take it from`,
      hint: "pass budgetSeconds, or run in a workspace made by `autoresearch init`"
    })
  }
  const agent = typeof options.agent === "object" ? "custom" : chooseAgent(options.agent, options.env)
  return { dir, tag: options.tag ?? defaultTag(), budgetSeconds, agent, profile }
}

/**
 * Runs the research loop until a limit (maxExperiments, maxHours/maxDurationSeconds,
 * maxCostUsd) or the signal; resolves with the run's Summary. Rejects with a `ResearchError`
 * whose `reason` names what stopped it (`ConfigError`, `PrepareError`, `WorkspaceError`,
 * `StoreError` ...), whose `message` is meant for a person and whose `cause` is the original error.
 *
 * @example
 * const summary = await runResearch({ dir: "~/research", maxExperiments: 20 })
 */
export const runResearch = async (options: ResearchOptions = {}): Promise<Summary> => {
  const exit = await Effect.runPromiseExit(research(options))
  if (Exit.isSuccess(exit)) return exit.value
  throw ResearchError.of(exit.cause)
}

/**
 * `runResearch` as an Effect, to compose into an Effect program: the same defaults, failing
 * with the same `ResearchError`; interrupting the fiber ends the loop at the best commit.
 *
 * @example
 * const summary = yield* research({ dir: "~/research", maxExperiments: 20 })
 */
export const research = (options: ResearchOptions = {}): Effect.Effect<Summary, ResearchError> =>
  Effect.tryPromise({ try: () => researchPlan(options), catch: ResearchError.of }).pipe(
    Effect.flatMap(runLoopEffect),
    Effect.mapError(ResearchError.of)
  )

/** The loop options runResearch hands to the loop: every default filled in, the data checked. */
const researchPlan = async (options: ResearchOptions): Promise<RunLoopOptions> => {
  const resolved = resolveResearch(options)
  const { dir, tag, budgetSeconds, profile } = resolved
  const {
    dir: _dir, tag: _tag, budgetSeconds: _budget, maxHours, agent, model, openaiApi, effort, thinking, trainer, store, workspace,
    onEvent, eventsLog, signal, killSignal, env: _env, ...loop
  } = options
  const maxDurationSeconds = loop.maxDurationSeconds ?? (maxHours !== undefined ? maxHours * 3600 : undefined)
  // Decode first: a bad tag must never become a path.
  const decoded = Effect.runSync(Effect.either(decodeLoopConfig({ ...loop, tag, budgetSeconds, ...(maxDurationSeconds !== undefined ? { maxDurationSeconds } : {}) })))
  if (decoded._tag === "Left") throw decoded.left // the ConfigError itself, not a FiberFailure around it

  if (trainer === undefined) {
    if (profile === undefined) {
      throw new ConfigError({ message: `${dir} is not an autoresearch workspace (no ${PROFILE_FILE})`, hint: "create one with `autoresearch init <dir>`, or pass your own trainer layer" })
    }
    // Fail before the baseline, with prepare's own message, when the data is missing.
    await loadPrepared({ profile: profile.profile, source: profile.source, ...(profile.cacheDir !== undefined ? { cacheDir: profile.cacheDir } : {}) })
  }

  const runDir = join(dir, "runs", tag)
  const writeEvent = eventsLog === false ? undefined : eventLogWriter(eventsFile(runDir))
  return {
    ...loop,
    tag,
    budgetSeconds,
    ...(maxDurationSeconds !== undefined ? { maxDurationSeconds } : {}),
    agent:
      typeof agent === "object"
        ? agent
        : agentLayer(chooseAgent(agent, options.env), {
            ...(model !== undefined ? { model } : {}),
            ...(options.env !== undefined ? { env: options.env } : {}),
            ...(openaiApi !== undefined ? { openaiApi } : {}),
            ...(effort !== undefined ? { effort } : {}),
            ...(thinking !== undefined ? { thinking } : {}),
            costCapped: loop.maxCostUsd !== undefined,
            experimentSeconds: budgetSeconds
          }),
    trainer: trainer ?? TfjsTrainer.layer(),
    store: store ?? ResultsStore.layer({ dir: runDir }),
    workspace: workspace ?? GitWorkspace.layer({ dir, editable: [CANVAS_FILE] }),
    onEvent: (event) => {
      writeEvent?.(event)
      onEvent?.(event)
    },
    runDir,
    programFile: PROGRAM_FILE,
    ...(signal !== undefined ? { signal } : {}),
    ...(killSignal !== undefined ? { killSignal } : {})
  }
}
