export { ClaudeCodeAgent } from "./claude-code-agent.js"
export { ClaudeCodeAgentConfig, type ClaudeCodeAgentConfigInput } from "./config.js"
export { allowedTools, disallowedTools, judgeToolCall, type Verdict } from "./permissions.js"
