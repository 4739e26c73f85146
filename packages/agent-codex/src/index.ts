export { CodexAgent } from "./codex-agent.js"
export { CodexAgentConfig, type CodexAgentConfigInput } from "./config.js"
