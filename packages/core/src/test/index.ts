// Test doubles for the loop's services, shipped so users can test their own plugins the same way.
export * from "./scripted-agent.js"
export * from "./scripted-trainer.js"
