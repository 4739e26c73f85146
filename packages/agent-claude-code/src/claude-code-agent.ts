// Claude Code as the researcher: one headless Claude Agent SDK query per proposal, run in a
// scratch copy of program.md and the canvas, with read tools and Edit/Write on the canvas only
// (the permission callback refuses the rest). The proposal is the canvas's diff and the final
// line of Claude's answer; the session id, turns, cost and tokens go to the transcript.
import type { CanUseTool, Options, SDKMessage, SDKResultMessage } from "@anthropic-ai/claude-agent-sdk"
import {
  Agent,
  AgentError,
  codingAgentPrompt,
  ConfigError,
  decodeAgentConfig,
  descriptionFrom,
  keepNotes,
  makeScratchWorkspace,
  type Proposal,
  type ProposalContext,
  redactSecrets,
  saveTranscript
} from "@autoresearch/core"
import { Effect, Layer, Redacted } from "effect"
import { type ClaudeCodeAgentConfig, ClaudeCodeAgentConfig as ConfigSchema, type ClaudeCodeAgentConfigInput } from "./config.js"
import { allowedTools, disallowedTools, judgeToolCall } from "./permissions.js"

type Sdk = typeof import("@anthropic-ai/claude-agent-sdk")

const sdkPackage = "@anthropic-ai/claude-agent-sdk"

/** The SDK is an optional peer: loaded on first use, one clear line when it is absent. */
const loadSdk = Effect.tryPromise({
  try: (): Promise<Sdk> => import(sdkPackage),
  catch: () =>
    new ConfigError({
      message: `the claude-code agent needs ${sdkPackage}, which is not installed`,
      hint: `npm install ${sdkPackage} (it brings the Claude Code binary, about 400 MB), then log in with \`claude\` or set ANTHROPIC_API_KEY`
    })
})

/** The values a transcript or an error must never show. */
const secretsOf = (env: NodeJS.ProcessEnv) =>
  ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"].flatMap((name) => {
    const value = env[name]
    return value !== undefined && value !== "" ? [Redacted.make(value)] : []
  })

/** Why a finished session produced no proposal, or undefined when it succeeded. */
const resultFailure = (result: SDKResultMessage): string | undefined => {
  if (result.subtype !== "success") {
    const detail = result.errors.map((error) => error.trim()).filter(Boolean).join("; ")
    return `${result.subtype}${detail ? `: ${detail}` : ""} after ${result.num_turns} turns`
  }
  return result.is_error ? result.result.split("\n")[0] || "error result" : undefined
}

interface Session {
  readonly messages: ReadonlyArray<SDKMessage>
  readonly result: SDKResultMessage | undefined
  /** What the SDK threw, when the session did not end cleanly. */
  readonly error: string | undefined
}

const make = (input: ClaudeCodeAgentConfigInput = {}): Effect.Effect<Agent["Type"], ConfigError> =>
  Effect.gen(function* () {
    const config: ClaudeCodeAgentConfig = yield* decodeAgentConfig(ConfigSchema, "ClaudeCodeAgent", input)
    const sdk = yield* loadSdk
    const label = `claude-code${config.model !== undefined ? `:${config.model}` : ""}`

    /** Runs one query to its end; never rejects: a failure is in `error`. */
    const runSession = async (options: Options, prompt: string, signal: AbortSignal): Promise<Session> => {
      const messages: Array<SDKMessage> = []
      let result: SDKResultMessage | undefined
      try {
        for await (const message of sdk.query({ prompt, options })) {
          if (message.type === "assistant" || message.type === "user" || message.type === "result") messages.push(message)
          if (message.type === "result") result = message
        }
        return { messages, result, error: undefined }
      } catch (error) {
        const text = signal.aborted ? "stopped (timeout or abort)" : error instanceof Error ? error.message : String(error)
        return { messages, result, error: text.split("\n")[0] }
      }
    }

    const propose = (ctx: ProposalContext): Effect.Effect<Proposal, AgentError> =>
      Effect.scoped(
        Effect.gen(function* () {
          const canvas = ctx.files.map((file) => file.path).join(", ")
          // The run's notes go in as notes.md; the lines the agent appends come back (keepNotes).
          const scratch = yield* makeScratchWorkspace(ctx.program, ctx.files, "autoresearch-claude-code-", ctx.notesFile !== undefined ? (ctx.notes ?? "") : undefined)
          const { system, prompt } = codingAgentPrompt(ctx, config.historyRows !== undefined ? { recentOthers: config.historyRows } : {})
          const env: NodeJS.ProcessEnv = {
            ...(config.env ?? process.env),
            ...(config.baseURL !== undefined ? { ANTHROPIC_BASE_URL: config.baseURL } : {}),
            CLAUDE_AGENT_SDK_CLIENT_APP: "autoresearch"
          }
          const secrets = secretsOf(env)
          const refused: Array<string> = []
          const canUseTool: CanUseTool = async (tool, toolInput) => {
            const verdict = judgeToolCall(scratch, canvas, tool, toolInput)
            if (verdict.allow) return { behavior: "allow", updatedInput: toolInput }
            refused.push(verdict.reason)
            return { behavior: "deny", message: verdict.reason }
          }
          const startedAt = new Date().toISOString()

          const session = yield* Effect.promise((interrupt) => {
            const abortController = new AbortController()
            const stop = () => abortController.abort()
            const timer = setTimeout(stop, config.timeoutMs)
            interrupt.addEventListener("abort", stop)
            ctx.signal?.addEventListener("abort", stop)
            const options: Options = {
              cwd: scratch.dir,
              abortController,
              env,
              canUseTool,
              tools: [...allowedTools],
              disallowedTools: [...disallowedTools],
              permissionMode: "default",
              // No user, project or local settings: their allow rules must not widen ours.
              settingSources: [],
              persistSession: false,
              title: `autoresearch experiment ${ctx.experimentId}`,
              systemPrompt: { type: "preset", preset: "claude_code", append: system },
              maxTurns: config.maxTurns,
              // Never more than what the run has left of its own cost cap.
              maxBudgetUsd: Math.min(config.maxBudgetUsd, Math.max(ctx.remaining.costUsd ?? Infinity, 0.01)),
              ...(config.model !== undefined ? { model: config.model } : {}),
              ...(config.executable !== undefined ? { pathToClaudeCodeExecutable: config.executable } : {})
            }
            return runSession(options, prompt, abortController.signal).finally(() => {
              clearTimeout(timer)
              interrupt.removeEventListener("abort", stop)
              ctx.signal?.removeEventListener("abort", stop)
            })
          })

          const result = session.result
          // No result message, no bill: spent, amount unknown (null), never a silent $0.
          const costUsd = result?.total_cost_usd ?? null
          const outcome = yield* scratch.collect
          const noted = keepNotes(ctx.notesFile, ctx.experimentId, outcome.notes)
          // The result's own words first: the SDK's exception only wraps them.
          const failure = result !== undefined ? resultFailure(result) : (session.error ?? "the session ended without a result")
          const description = result?.subtype === "success" ? descriptionFrom(result.result) : undefined
          const why = [
            ...(refused.length > 0 ? [`refused: ${refused.join("; ")}`] : []),
            ...(outcome.discarded.length > 0 ? [`discarded: ${outcome.discarded.join(", ")}`] : [])
          ].join("; ")

          const transcript = yield* saveTranscript(
            ctx.transcriptDir,
            ctx.experimentId,
            {
              agent: "claude-code",
              model: config.model ?? "(Claude Code default)",
              experimentId: ctx.experimentId,
              startedAt,
              finishedAt: new Date().toISOString(),
              sessionId: result?.session_id,
              numTurns: result?.num_turns,
              costUsd,
              usage: result?.usage,
              outcome: failure !== undefined ? { kind: "error", message: failure } : { kind: "proposal", description, edits: outcome.edits.length },
              refused,
              discarded: outcome.discarded,
              noted,
              system,
              prompt,
              messages: session.messages
            },
            secrets
          )
          const fail = (message: string) =>
            Effect.fail(new AgentError({ message: redactSecrets(`${label}: ${message}`, secrets), retryable: false, costUsd }))

          if (failure !== undefined) return yield* fail(failure)
          if (outcome.edits.length === 0) return yield* fail(`made no change to ${canvas}${why ? ` (${why})` : ""}`)
          if (why) yield* Effect.logWarning(`${label}, experiment ${ctx.experimentId}: ${why}`)
          return {
            description: description ?? `an edit of ${canvas}`,
            edits: outcome.edits,
            costUsd,
            ...(transcript !== undefined ? { transcript } : {})
          }
        })
      )

    return { name: label, propose }
  })

/** Claude Code as the research agent. */
export const ClaudeCodeAgent = {
  make,
  /** The Agent layer; fails with a ConfigError for a bad configuration or a missing SDK. */
  layer: (config: ClaudeCodeAgentConfigInput = {}): Layer.Layer<Agent, ConfigError> => Layer.effect(Agent, make(config))
} as const
