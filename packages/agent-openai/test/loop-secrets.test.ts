// The OpenAI agent in the real loop, on a real git workspace, with a planted API key: after a
// run with a proposal, a rate limit and a refused key, no file the run wrote, no commit and no
// console output contains the key. The trainer is the scripted double (no training here).
import { OpenAIAgent } from "@autoresearch/agent-openai"
import { makeResultsStore, ResultsStore, runLoop } from "@autoresearch/core"
import { ScriptedTrainer, startScriptedServer } from "@autoresearch/core/test"
import { GitWorkspace } from "@autoresearch/git"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it, vi } from "vitest"
import { apiError, completion } from "./wire-server.js"

const KEY = "sk-proj-PLANTED-loop-key-0d4b77"

const git = (dir: string, ...args: Array<string>) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim()

const filesUnder = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    if (name === ".git") return []
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })

afterEach(() => {
  vi.restoreAllMocks()
})

describe("the OpenAI agent in the research loop", () => {
  it("records proposals, costs and an agent_error, and leaks the key nowhere", async () => {
    const printed: Array<string> = []
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: Array<unknown>) => void printed.push(args.map(String).join(" ")))
    }
    const dir = mkdtempSync(join(tmpdir(), "openai-loop-"))
    git(dir, "init", "-q", "-b", "main")
    git(dir, "config", "user.email", "test@example.com")
    git(dir, "config", "user.name", "test")
    writeFileSync(join(dir, "train.ts"), "const DEPTH = 4\nconst MATRIX_LR = 0.04\n")
    writeFileSync(join(dir, "program.md"), "tune it\n")
    writeFileSync(join(dir, ".gitignore"), "runs/\n")
    git(dir, "add", ".")
    git(dir, "commit", "-q", "-m", "init")

    const server = await startScriptedServer()
    const call = (id: string, name: string, args: unknown) => ({ id, name, arguments: JSON.stringify(args) })
    server.script.push(
      // experiment 2: two turns
      { body: completion([call("c1", "view", { path: "train.ts" })]) },
      { body: completion([call("c2", "replace", { path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.06" }), call("c3", "finish", { description: "MATRIX_LR 0.04 → 0.06" })]) },
      // experiment 3: rate limited once, then one turn
      apiError(429, "rate_limit_exceeded", "slow down", { "retry-after": "0.05" }),
      { body: completion([call("c4", "replace", { path: "train.ts", old: "const DEPTH = 4", new: "const DEPTH = 5" }), call("c5", "finish", { description: "DEPTH 4 → 5" })]) },
      // experiment 4: the key is refused
      apiError(401, "invalid_request_error", "Incorrect API key provided")
    )
    const price = { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 }
    const turnCost = (2000 * 2 + 200 * 8 + 1000 * 0.5) / 1e6
    try {
      const summary = await runLoop({
        tag: "o",
        budgetSeconds: 1,
        noiseRepeats: 0,
        maxConfirmations: 0, // one scripted run per experiment
        maxExperiments: 4,
        agent: OpenAIAgent.layer({ apiKey: KEY, baseURL: `${server.url}/v1`, model: "gpt-test", prices: { "gpt-test": price }, retry: { initialDelayMs: 5 } }),
        trainer: ScriptedTrainer.make([1.0, 0.95, 0.97]).layer,
        store: ResultsStore.layer({ dir: join(dir, "runs", "o") }),
        workspace: GitWorkspace.layer({ dir, editable: ["train.ts"] })
      })
      const records = Effect.runSync(makeResultsStore({ dir: join(dir, "runs", "o") }).list)
      expect(records.map((r) => r.status)).toEqual(["keep", "keep", "discard", "agent_error"])
      expect(records[1]!.costUsd).toBeCloseTo(2 * turnCost, 12)
      expect(records[2]!.costUsd).toBeCloseTo(turnCost, 12)
      expect(records[3]!.decisionReason).toMatch(/HTTP 401/)
      expect(summary.costUsd).toBeCloseTo(3 * turnCost, 12)
      expect(readFileSync(records[1]!.transcript!, "utf8")).toContain("MATRIX_LR 0.04 → 0.06")
      expect(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true)

      const written = filesUnder(dir)
      expect(written.some((path) => path.includes("transcripts"))).toBe(true)
      for (const path of written) expect(readFileSync(path, "utf8"), path).not.toContain(KEY)
      expect(git(dir, "log", "-p", "--all")).not.toContain(KEY)
      // The console capture works: the retry was logged there.
      expect(printed.join("\n")).toMatch(/HTTP 429/)
      expect(printed.join("\n")).not.toContain(KEY)
    } finally {
      await server.close()
    }
  })
})
