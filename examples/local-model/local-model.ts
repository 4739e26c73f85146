// A night of research with a local model, as a function: any server that speaks the OpenAI
// Chat Completions API with tool calling (Ollama, vLLM, llama.cpp's llama-server) drives the
// loop, no API key. Pass overrides to replace any part (the smoke test swaps in a scripted
// trainer and a scripted server).
import { OpenAIAgent, runResearch, type ResearchOptions, type Summary } from "autoresearch"

export interface LocalModelOptions extends Omit<ResearchOptions, "dir" | "model"> {
  /** The server. Default: OPENAI_BASE_URL, else Ollama's http://localhost:11434/v1. */
  readonly baseURL?: string
  /** The model name as the server knows it. Default: LOCAL_MODEL, else qwen2.5-coder. */
  readonly model?: string
  /** The server's context size. Default: OLLAMA_CONTEXT_LENGTH, else Ollama's default of 4096. */
  readonly contextTokens?: number
}

export const researchWithLocalModel = (dir: string, overrides: LocalModelOptions = {}): Promise<Summary> => {
  const {
    // Ollama's default; vLLM serves on :8000/v1, llama-server on :8080/v1.
    baseURL = process.env.OPENAI_BASE_URL ?? "http://localhost:11434/v1",
    model = process.env.LOCAL_MODEL ?? "qwen2.5-coder",
    // A prompt near it warns: Ollama cuts a longer one silently (start it with OLLAMA_CONTEXT_LENGTH=32768).
    contextTokens = Number(process.env.OLLAMA_CONTEXT_LENGTH ?? 4096),
    ...options
  } = overrides
  return runResearch({
    dir,
    tag: "local",
    maxExperiments: 20,
    agent: OpenAIAgent.layer({
      baseURL,
      model,
      temperature: 0.3,
      contextTokens,
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
    },
    ...options
  })
}
