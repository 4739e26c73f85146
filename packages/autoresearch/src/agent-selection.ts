// Which researcher runs: the one asked for, else the first whose key is in the environment
// (ANTHROPIC_API_KEY → Claude, OPENAI_API_KEY or OPENAI_BASE_URL → OpenAI), else the offline
// search agent, which needs no key at all. The LLM agents read their key and endpoint from the
// same environment that chose them.
import { AnthropicAgent, type AnthropicAgentConfigInput } from "@autoresearch/agent-anthropic"
import { ClaudeCodeAgent } from "@autoresearch/agent-claude-code"
import { CodexAgent } from "@autoresearch/agent-codex"
import { OpenAIAgent } from "@autoresearch/agent-openai"
import { SearchAgent } from "@autoresearch/agent-search"
import type { Agent, ConfigError } from "@autoresearch/core"
import { ConfigProvider, Layer } from "effect"

/** The agents `runResearch` and `run --agent` know by name. */
export const agentChoices = ["claude", "openai", "search", "claude-code", "codex"] as const
/** One of `agentChoices`: "claude", "openai", "search", "claude-code" or "codex". */
export type AgentChoice = (typeof agentChoices)[number]

/** --openai-api: the wire format of the OpenAI agent. */
export const openaiApis = ["responses", "chat"] as const
/** --effort: Claude's output_config.effort, OpenAI's reasoning effort (none and minimal: OpenAI only). */
export const efforts = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const
/** --thinking: Claude's thinking mode. */
export const thinkingModes = ["adaptive", "disabled"] as const

const present = (value: string | undefined) => value !== undefined && value.trim() !== ""

/**
 * The agent asked for, else from the environment: Claude with ANTHROPIC_API_KEY, OpenAI with OPENAI_API_KEY or OPENAI_BASE_URL, else the offline search agent.
 *
 * @example
 * chooseAgent(undefined, { OPENAI_API_KEY: "sk-..." }) // "openai"
 */
export const chooseAgent = (asked: AgentChoice | undefined, env: NodeJS.ProcessEnv = process.env): AgentChoice =>
  asked ?? (present(env.ANTHROPIC_API_KEY) ? "claude" : present(env.OPENAI_API_KEY) || present(env.OPENAI_BASE_URL) ? "openai" : "search")

/** Settings of an agent chosen by name (model, wire format, effort, ...), as `agentLayer` takes them. */
export interface AgentSelection {
  readonly model?: string
  /** Seed of the search agent (deterministic for a seed). */
  readonly seed?: number
  /** Where the LLM agents read their keys and endpoints; default process.env. */
  readonly env?: NodeJS.ProcessEnv
  readonly openaiApi?: (typeof openaiApis)[number]
  readonly effort?: (typeof efforts)[number]
  readonly thinking?: (typeof thinkingModes)[number]
  /** The run stops at a cost cap: an LLM whose price is unknown is then a ConfigError. */
  readonly costCapped?: boolean
  /** Training seconds per experiment: past the 5-minute prompt cache, Claude caches for an hour. */
  readonly experimentSeconds?: number
}

const fromEnv = (env: NodeJS.ProcessEnv) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])))))

/** The Agent layer for a choice; a missing key surfaces as the agent's ConfigError. */
export const agentLayer = (choice: AgentChoice, selection: AgentSelection = {}): Layer.Layer<Agent, ConfigError> => {
  const common = {
    ...(selection.model !== undefined ? { model: selection.model } : {}),
    ...(selection.costCapped ? { costCapped: true } : {})
  }
  const withEnv = (layer: Layer.Layer<Agent, ConfigError>) => (selection.env === undefined ? layer : Layer.provide(layer, fromEnv(selection.env)))
  switch (choice) {
    case "claude":
      return withEnv(
        AnthropicAgent.layer({
          ...common,
          // The agent's turns plus training: a cache that outlives one experiment pays off past 4 minutes.
          ...(selection.experimentSeconds !== undefined && selection.experimentSeconds >= 240 ? { cacheTtl: "1h" as const } : {}),
          // "none" and "minimal" are OpenAI's only: Claude's config decode refuses them in one line.
          ...(selection.effort !== undefined ? { effort: selection.effort as AnthropicAgentConfigInput["effort"] } : {}),
          ...(selection.thinking !== undefined ? { thinking: selection.thinking } : {})
        })
      )
    case "openai":
      return withEnv(
        OpenAIAgent.layer({
          ...common,
          ...(selection.openaiApi !== undefined ? { api: selection.openaiApi } : {}),
          ...(selection.effort !== undefined ? { reasoningEffort: selection.effort } : {})
        })
      )
    case "search":
      return SearchAgent.layer(selection.seed !== undefined ? { seed: selection.seed } : {})
    // Coding agents: asked for by name only, never picked from the environment; they hand that
    // environment to the CLI they start.
    case "claude-code":
      return ClaudeCodeAgent.layer({ ...common, ...(selection.env !== undefined ? { env: selection.env } : {}) })
    case "codex":
      return CodexAgent.layer({ ...common, ...(selection.env !== undefined ? { env: selection.env } : {}) })
  }
}

/** The agent the environment selects (see chooseAgent). */
export const agentFromEnv = (env: NodeJS.ProcessEnv = process.env, selection: AgentSelection = {}) =>
  agentLayer(chooseAgent(undefined, env), { env, ...selection })
