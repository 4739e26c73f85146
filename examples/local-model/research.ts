// A night of research with a local model: any server that speaks the OpenAI Chat Completions
// API with tool calling (Ollama, vLLM, llama.cpp's llama-server) drives the loop, no API key.
//
//   ollama pull qwen2.5-coder && ollama serve
//   npx autoresearch init my-research && cd my-research && npx autoresearch prepare
//   tsx research.ts my-research
import { OpenAIAgent, runResearch } from "autoresearch"

const dir = process.argv[2] ?? "."

const summary = await runResearch({
  dir,
  tag: "local",
  maxExperiments: 20,
  agent: OpenAIAgent.layer({
    // Ollama's default; vLLM serves on :8000/v1, llama-server on :8080/v1.
    baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:11434/v1",
    model: process.env.LOCAL_MODEL ?? "qwen2.5-coder",
    temperature: 0.3,
    // Local models can be slow on a CPU: give each turn time, and fewer turns per proposal.
    timeoutMs: 600_000,
    maxTurns: 8,
    // A local model costs nothing per token; give a price here if yours does.
    prices: {}
  }),
  onEvent: (event) => {
    if (event._tag === "ProposalReady") console.log(`#${event.id} ${event.description}`)
    if (event._tag === "ExperimentFinished") {
      const { id, status, metrics } = event.record
      console.log(`#${id} ${status}${metrics ? ` val_bpb ${metrics.valBpb.toFixed(6)}` : ""}`)
    }
  }
})

console.log(`${summary.experiments} experiments, ${summary.kept} kept; best val_bpb ${summary.bestBpb ?? "-"} at ${summary.bestCommit.slice(0, 7)} (${summary.stopReason})`)
