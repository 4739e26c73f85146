// What one coding-agent proposal costs in time and prompt size, the model taken out: the real
// Claude Code and Codex binaries against local servers that answer at once (read the canvas,
// edit it, describe: three model calls). Prints one JSON row per agent: the median wall time of
// a proposal (process start, tools, sandbox, read-back) and the size of the first request
// (the agent's own system prompt and tool definitions plus ours), in bytes and ≈ tokens (4 B/token).
import { ClaudeCodeAgent } from "@autoresearch/agent-claude-code"
import { startMessagesServer, text, toolUse } from "@autoresearch/agent-claude-code/test"
import { CodexAgent } from "@autoresearch/agent-codex"
import { execCommand, message, startResponsesServer } from "@autoresearch/agent-codex/test"
import { Agent, type ProposalContext } from "@autoresearch/core"
import { Effect, type Layer } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"

const runs = Number(process.argv[2] ?? 3)
const canvas = readFileSync(new URL("../../trainer-tfjs/templates/train.ts", import.meta.url), "utf8")
const context = (experimentId: number): ProposalContext => ({
  program: readFileSync(new URL("../src/workspace/default-program.ts", import.meta.url), "utf8"),
  files: [{ path: "train.ts", content: canvas }],
  history: [],
  remaining: {},
  experimentId
})
const line = "const MATRIX_LR = 0.04 // Muon, every 2-D matrix in the blocks"
const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const time = async (layer: Layer.Layer<Agent, unknown>, script: () => void) => {
  const times: Array<number> = []
  for (let i = 0; i < runs; i++) {
    script()
    const started = performance.now()
    await Effect.runPromise(Effect.flatMap(Agent, (agent) => agent.propose(context(i + 2))).pipe(Effect.provide(layer)))
    times.push(performance.now() - started)
  }
  return times
}

process.env.CLAUDE_CONFIG_DIR = mkdtempSync(join(tmpdir(), "bench-claude-"))
process.env.CODEX_HOME = mkdtempSync(join(tmpdir(), "bench-codex-"))
process.env.ANTHROPIC_API_KEY = "sk-ant-bench"
process.env.CODEX_API_KEY = "sk-bench"

const messages = await startMessagesServer()
const claude = await time(ClaudeCodeAgent.layer({ baseURL: messages.url, model: "claude-bench" }), () =>
  messages.script.push(
    (cwd) => ({ blocks: [toolUse("t1", "Read", { file_path: join(cwd, "train.ts") })] }),
    (cwd) => ({ blocks: [toolUse("t2", "Edit", { file_path: join(cwd, "train.ts"), old_string: line, new_string: line.replace("0.04", "0.05") })] }),
    () => ({ blocks: [text("MATRIX_LR 0.04 -> 0.05")] })
  )
)
const claudeFirst = JSON.stringify(messages.requests.find((request) => request.main)!.body).length
await messages.close()

const responses = await startResponsesServer()
const patch = `apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: train.ts\n@@\n-${line}\n+${line.replace("0.04", "0.05")}\n*** End Patch\nEOF`
const codex = await time(CodexAgent.layer({ baseURL: responses.url, model: "gpt-bench" }), () =>
  responses.script.push({ items: [execCommand("cat train.ts")] }, { items: [execCommand(patch)] }, { items: [message("MATRIX_LR 0.04 -> 0.05")] })
)
const codexFirst = JSON.stringify(responses.requests[0]!.body).length
await responses.close()

const row = (agent: string, times: Array<number>, bytes: number) => ({
  agent,
  proposals: times.length,
  medianMs: Math.round(median(times)),
  minMs: Math.round(Math.min(...times)),
  firstRequestBytes: bytes,
  firstRequestTokensApprox: Math.round(bytes / 4)
})
console.log(
  JSON.stringify(
    {
      machine: `${cpus().length} × ${cpus()[0]?.model}, load ${loadavg().map((x) => x.toFixed(1)).join(" ")}, node ${process.version}`,
      rows: [row("claude-code", claude, claudeFirst), row("codex", codex, codexFirst)]
    },
    null,
    2
  )
)
