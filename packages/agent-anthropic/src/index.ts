export { AnthropicAgent } from "./anthropic-agent.js"
export { AnthropicAgentConfig, type AnthropicAgentConfigInput, ApiKey } from "./config.js"
export { defaultClaudeModel, deprecatedClaudeModels } from "./models.js"
export { anthropicPrices } from "./prices.js"
