// OpenAI Codex as the researcher: one Codex SDK thread per proposal, run in a scratch copy of
// program.md and the canvas under Codex's own sandbox: workspace-write limited to that folder
// (not /tmp, not $TMPDIR), no network, no web search, never asking for approval. The proposal is
// the canvas's diff and the last line of Codex's answer; anything else it wrote is discarded.
import type { CodexOptions, ThreadEvent, ThreadItem, ThreadOptions } from "@openai/codex-sdk"
import {
  Agent,
  AgentError,
  codingAgentPrompt,
  ConfigError,
  costOf,
  decodeAgentConfig,
  descriptionFrom,
  emptyUsage,
  keepNotes,
  makeScratchWorkspace,
  type Proposal,
  type ProposalContext,
  redactSecrets,
  saveTranscript,
  type TokenUsage
} from "@autoresearch/core"
import { Effect, Layer, Redacted } from "effect"
import { existsSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { type CodexAgentConfig, CodexAgentConfig as ConfigSchema, type CodexAgentConfigInput } from "./config.js"

type Sdk = typeof import("@openai/codex-sdk")

const sdkPackage = "@openai/codex-sdk"

/** The SDK is an optional peer: loaded on first use, one clear line when it is absent. */
const loadSdk = Effect.tryPromise({
  try: (): Promise<Sdk> => import(sdkPackage),
  catch: () =>
    new ConfigError({
      message: `the codex agent needs ${sdkPackage}, which is not installed`,
      hint: `npm install ${sdkPackage} (it brings the Codex binary, about 400 MB), then log in with \`codex login\` or set CODEX_API_KEY`
    })
})

/** Codex's sandbox, narrowed: writes only in the working directory, nothing over the network. */
const sandboxConfig = { sandbox_workspace_write: { exclude_slash_tmp: true, exclude_tmpdir_env_var: true, network_access: false } }

const toolItems = new Set<ThreadItem["type"]>(["command_execution", "file_change", "mcp_tool_call", "web_search"])

/** Codex's usage in our terms (OpenAI counts cached tokens inside input_tokens). */
const usageOf = (usage: Extract<ThreadEvent, { type: "turn.completed" }>["usage"]): TokenUsage => ({
  inputTokens: usage.input_tokens - usage.cached_input_tokens,
  outputTokens: usage.output_tokens,
  cacheWriteTokens: 0,
  cacheReadTokens: usage.cached_input_tokens
})

/** The first line of an error, with a CLI's stderr reduced to its last line. */
const oneLine = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error)
  const lines = text.split("\n").map((line) => line.trim()).filter(Boolean)
  return lines.length <= 1 ? (lines[0] ?? "unknown error") : `${lines[0]} ${lines.at(-1)}`
}

interface Session {
  readonly threadId: string | undefined
  readonly items: ReadonlyArray<ThreadItem>
  readonly usage: TokenUsage
  readonly finalResponse: string
  readonly error: string | undefined
}

const make = (input: CodexAgentConfigInput = {}): Effect.Effect<Agent["Type"], ConfigError> =>
  Effect.gen(function* () {
    const config: CodexAgentConfig = yield* decodeAgentConfig(ConfigSchema, "CodexAgent", input)
    const sdk = yield* loadSdk
    const label = `codex${config.model !== undefined ? `:${config.model}` : ""}`
    // Codex 0.163 ignores OPENAI_BASE_URL: the SDK's baseUrl option is how a gateway is reached.
    const env = config.env ?? process.env
    const baseUrl = config.baseURL ?? (env.OPENAI_BASE_URL || undefined)
    if (config.costCapped && config.price === undefined) {
      return yield* new ConfigError({
        message: "codex reports tokens, not dollars, so maxCostUsd cannot be enforced without its price",
        hint: "give its price, e.g. CodexAgent.layer({ price: { inputPerMTok: 1.25, outputPerMTok: 10 } }), or drop maxCostUsd"
      })
    }
    // Codex authenticates as its CLI does (its login, or CODEX_API_KEY in the environment it
    // inherits): we pass no key, so a subscription login is never replaced by an API key.
    const keys = [env.CODEX_API_KEY, env.OPENAI_API_KEY].filter((key): key is string => key !== undefined && key !== "")
    const secrets = keys.map((key) => Redacted.make(key))
    const codexOptions: CodexOptions = {
      config: sandboxConfig,
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      // Given an environment, Codex gets exactly that one (the SDK then inherits nothing).
      ...(config.env !== undefined
        ? { env: Object.fromEntries(Object.entries(config.env).filter((entry): entry is [string, string] => entry[1] !== undefined)) }
        : {}),
      ...(config.executable !== undefined ? { codexPathOverride: config.executable } : {})
    }
    const codex = new sdk.Codex(codexOptions)
    const codexHome = env.CODEX_HOME || join(homedir(), ".codex")
    if (keys.length === 0 && baseUrl === undefined && !existsSync(join(codexHome, "auth.json"))) {
      yield* Effect.logWarning(`codex: no CODEX_API_KEY or OPENAI_API_KEY, and no login in ${codexHome}: run \`codex login\` first`)
    }

    /** Runs one turn to its end; never rejects: a failure is in `error`. */
    const runSession = async (threadOptions: ThreadOptions, prompt: string, abort: AbortController): Promise<Session> => {
      const thread = codex.startThread(threadOptions)
      const items: Array<ThreadItem> = []
      let usage = emptyUsage
      let finalResponse = ""
      let error: string | undefined
      // Codex reports trouble it retries through (a gateway down, no network) as "error" events.
      let lastTrouble: string | undefined
      let toolCalls = 0
      try {
        const { events } = await thread.runStreamed(prompt, { signal: abort.signal })
        for await (const event of events) {
          if (event.type === "item.started" && toolItems.has(event.item.type) && ++toolCalls > config.maxToolCalls) {
            error = `stopped after ${config.maxToolCalls} tool calls`
            abort.abort()
          } else if (event.type === "item.completed") {
            items.push(event.item)
            if (event.item.type === "agent_message") finalResponse = event.item.text
          } else if (event.type === "turn.completed") usage = usageOf(event.usage)
          else if (event.type === "turn.failed") error = event.error.message
          else if (event.type === "error") lastTrouble = event.message
        }
      } catch (thrown) {
        const stopped = `stopped (timeout or abort)${lastTrouble !== undefined ? `; last: ${lastTrouble}` : ""}`
        error ??= abort.signal.aborted ? stopped : oneLine(thrown)
      }
      return { threadId: thread.id ?? undefined, items, usage, finalResponse, error }
    }

    const propose = (ctx: ProposalContext): Effect.Effect<Proposal, AgentError> =>
      Effect.scoped(
        Effect.gen(function* () {
          const canvas = ctx.files.map((file) => file.path).join(", ")
          // The run's notes go in as notes.md; the lines the agent appends come back (keepNotes).
          const scratch = yield* makeScratchWorkspace(ctx.program, ctx.files, "autoresearch-codex-", ctx.notesFile !== undefined ? (ctx.notes ?? "") : undefined)
          const { system, prompt } = codingAgentPrompt(ctx, config.historyRows !== undefined ? { recentOthers: config.historyRows } : {})
          const threadOptions: ThreadOptions = {
            workingDirectory: scratch.dir,
            skipGitRepoCheck: true,
            sandboxMode: "workspace-write",
            networkAccessEnabled: false,
            webSearchMode: "disabled",
            approvalPolicy: "never",
            ...(config.model !== undefined ? { model: config.model } : {})
          }
          const startedAt = new Date().toISOString()

          const session = yield* Effect.promise((interrupt) => {
            const abort = new AbortController()
            const stop = () => abort.abort()
            const timer = setTimeout(stop, config.timeoutMs)
            interrupt.addEventListener("abort", stop)
            ctx.signal?.addEventListener("abort", stop)
            // Codex takes no system prompt from the SDK: the rules lead the first message.
            return runSession(threadOptions, `${system}\n\n${prompt}`, abort).finally(() => {
              clearTimeout(timer)
              interrupt.removeEventListener("abort", stop)
              ctx.signal?.removeEventListener("abort", stop)
            })
          })

          // Codex reports tokens, not dollars: without its price the cost is unknown (null), never $0.
          const costUsd = config.price !== undefined ? costOf(session.usage, config.price) : null
          const outcome = yield* scratch.collect
          const noted = keepNotes(ctx.notesFile, ctx.experimentId, outcome.notes)
          const commands = session.items.flatMap((item) =>
            item.type === "command_execution" ? [`${item.command} (exit ${item.exit_code ?? "?"})`] : []
          )
          const why = outcome.discarded.length > 0 ? `discarded: ${outcome.discarded.join(", ")}` : ""

          const transcript = yield* saveTranscript(
            ctx.transcriptDir,
            ctx.experimentId,
            {
              agent: "codex",
              model: config.model ?? "(Codex default)",
              experimentId: ctx.experimentId,
              startedAt,
              finishedAt: new Date().toISOString(),
              threadId: session.threadId,
              usage: session.usage,
              costUsd,
              outcome:
                session.error !== undefined
                  ? { kind: "error", message: session.error }
                  : { kind: "proposal", description: descriptionFrom(session.finalResponse), edits: outcome.edits.length },
              commands,
              discarded: outcome.discarded,
              noted,
              prompt: `${system}\n\n${prompt}`,
              items: session.items
            },
            secrets
          )
          const fail = (message: string) =>
            Effect.fail(new AgentError({ message: redactSecrets(`${label}: ${message}`, secrets), retryable: false, costUsd }))

          if (session.error !== undefined) return yield* fail(session.error)
          if (outcome.edits.length === 0) return yield* fail(`made no change to ${canvas}${why ? ` (${why})` : ""}`)
          if (why) yield* Effect.logWarning(`${label}, experiment ${ctx.experimentId}: ${why}`)
          return {
            description: descriptionFrom(session.finalResponse) ?? `an edit of ${canvas}`,
            edits: outcome.edits,
            costUsd,
            ...(transcript !== undefined ? { transcript } : {})
          }
        })
      )

    return { name: label, propose }
  })

/** OpenAI Codex as the research agent. */
export const CodexAgent = {
  make,
  /** The Agent layer; fails with a ConfigError for a bad configuration or a missing SDK. */
  layer: (config: CodexAgentConfigInput = {}): Layer.Layer<Agent, ConfigError> => Layer.effect(Agent, make(config))
} as const
