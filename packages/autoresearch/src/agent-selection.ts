// Which researcher runs: the one asked for, else the first whose key is in the environment
// (ANTHROPIC_API_KEY → Claude, OPENAI_API_KEY or OPENAI_BASE_URL → OpenAI), else the offline
// search agent, which needs no key at all.
import { AnthropicAgent } from "@autoresearch/agent-anthropic"
import { ClaudeCodeAgent } from "@autoresearch/agent-claude-code"
import { CodexAgent } from "@autoresearch/agent-codex"
import { OpenAIAgent } from "@autoresearch/agent-openai"
import { SearchAgent } from "@autoresearch/agent-search"
import type { Agent, ConfigError } from "@autoresearch/core"
import type { Layer } from "effect"

export const agentChoices = ["claude", "openai", "search", "claude-code", "codex"] as const
export type AgentChoice = (typeof agentChoices)[number]

const present = (value: string | undefined) => value !== undefined && value.trim() !== ""

export const chooseAgent = (asked: AgentChoice | undefined, env: NodeJS.ProcessEnv = process.env): AgentChoice =>
  asked ?? (present(env.ANTHROPIC_API_KEY) ? "claude" : present(env.OPENAI_API_KEY) || present(env.OPENAI_BASE_URL) ? "openai" : "search")

export interface AgentSelection {
  readonly model?: string
  /** Seed of the search agent (deterministic for a seed). */
  readonly seed?: number
}

/** The Agent layer for a choice; a missing key surfaces as the agent's ConfigError. */
export const agentLayer = (choice: AgentChoice, selection: AgentSelection = {}): Layer.Layer<Agent, ConfigError> => {
  const model = selection.model !== undefined ? { model: selection.model } : {}
  switch (choice) {
    case "claude":
      return AnthropicAgent.layer(model)
    case "openai":
      return OpenAIAgent.layer(model)
    case "search":
      return SearchAgent.layer(selection.seed !== undefined ? { seed: selection.seed } : {})
    // Coding agents: asked for by name only, never picked from the environment.
    case "claude-code":
      return ClaudeCodeAgent.layer(model)
    case "codex":
      return CodexAgent.layer(model)
  }
}

/** The agent the environment selects (see chooseAgent). */
export const agentFromEnv = (env: NodeJS.ProcessEnv = process.env, selection: AgentSelection = {}) => agentLayer(chooseAgent(undefined, env), selection)
