// Test doubles for the loop's services, shipped so users can test their own plugins the same way.
export * from "./scripted-agent.js"
export * from "./scripted-trainer.js"
export * from "./scripted-http-server.js"
export * from "./agent-testbed.js"
export * from "./experiment-record.js"
export * from "./stand-in-researcher.js"
export * from "./claude-stand-in.js"
export * from "./openai-stand-in.js"
