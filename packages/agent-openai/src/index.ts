export { OpenAIAgent } from "./openai-agent.js"
export { ApiKey, defaultOpenAIModel, OpenAIAgentConfig, type OpenAIAgentConfigInput } from "./config.js"
export { openaiPrices } from "./prices.js"
