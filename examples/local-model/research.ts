// A night of research with a local model (see local-model.ts for the settings).
//
//   ollama pull qwen2.5-coder && ollama serve
//   npx autoresearch init my-research && cd my-research && npx autoresearch prepare
//   tsx research.ts my-research
import { researchWithLocalModel } from "./local-model.js"

const summary = await researchWithLocalModel(process.argv[2] ?? ".")

console.log(`${summary.experiments} experiments, ${summary.kept} kept; best val_bpb ${summary.bestBpb ?? "-"} at ${summary.bestCommit.slice(0, 7)} (${summary.stopReason})`)
