// The kill test: a real loop in a child process, SIGKILLed at 30 random moments and restarted
// each time; afterwards nothing is lost or duplicated, the files parse, the workspace is at the
// best commit and no trainer process is left behind.
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { build } from "esbuild"
import { beforeAll, describe, expect, it } from "vitest"
import { makeResultsStore, tsvRow, TSV_HEADER } from "@autoresearch/core"
import { git } from "./support/repo.js"

const KILLS = 30
const support = fileURLToPath(new URL("./support/", import.meta.url))
const fakeTrain = join(support, "fake-train.mjs")
let bundle = ""

beforeAll(async () => {
  // One bundle, so each restart costs a plain `node` start instead of a TypeScript compile.
  bundle = join(mkdtempSync(join(tmpdir(), "ar-kill-bundle-")), "kill-loop-child.mjs")
  await build({
    entryPoints: [join(support, "kill-loop-child.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["source"],
    logLevel: "error",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }
  })
})

/** A deterministic random stream, so a failure can be replayed. */
const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)

const startLoop = (dir: string, maxExperiments: number) => {
  const child = spawn(process.execPath, [bundle, dir, String(maxExperiments), fakeTrain], { stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  let err = ""
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
  return { child, exited, out: () => out, err: () => err }
}

const until = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 10))
  }
  return true
}

/** Command lines of live trainer doubles for this repo (from /proc; `ps` where there is none). */
const trainersOf = (dir: string): Array<string> => {
  const lines = existsSync("/proc/self/cmdline")
    ? readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .map((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")
          } catch {
            return "" // the process ended while we looked
          }
        })
    : execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n")
  return lines.filter((line) => line.includes("fake-train.mjs") && line.includes(dir))
}

const makeRepo = () => {
  const dir = mkdtempSync(join(tmpdir(), "ar-kill-"))
  git(dir, "init", "-q", "-b", "main")
  git(dir, "config", "user.email", "test@example.com")
  git(dir, "config", "user.name", "test")
  writeFileSync(join(dir, "train.ts"), "const lr = 0.0100\nconst crash = false\n")
  writeFileSync(join(dir, ".gitignore"), "runs/\n")
  git(dir, "add", ".")
  git(dir, "commit", "-q", "-m", "init")
  return dir
}

describe("crash-safe resume", () => {
  it(`survives SIGKILL at ${KILLS} random moments`, { timeout: 180_000 }, async () => {
    const dir = makeRepo()
    const runDir = join(dir, "runs", "kill")
    const next = random(20261127)
    const reported = new Map<number, string>()
    const record = (out: string) => {
      for (const match of out.matchAll(/^finished (\d+) ([0-9a-f]{40})$/gm)) reported.set(Number(match[1]), match[2]!)
    }
    let orphans = 0
    const phases = new Map<string, number>()
    for (let kill = 0; kill < KILLS; kill++) {
      const loop = startLoop(dir, 100_000)
      // Most kills land while experiments run; every sixth lands during start-up and resume.
      if (kill % 6 !== 5) expect(await until(() => loop.out().includes("ready"), 30_000), loop.err()).toBe(true)
      await new Promise((r) => setTimeout(r, kill % 6 === 5 ? next() * 300 : next() * 1000))
      loop.child.kill("SIGKILL")
      await loop.exited
      record(loop.out())
      const phase = [...loop.out().matchAll(/^phase (.+)$/gm)].at(-1)?.[1] ?? "startup-resume"
      phases.set(phase, (phases.get(phase) ?? 0) + 1)
      // The trainer child notices its parent died and exits by itself.
      if (!(await until(() => trainersOf(dir).length === 0, 5_000))) orphans++
      const listed = Effect.runSync(Effect.either(makeResultsStore({ dir: runDir }).list))
      expect(listed._tag, "records parse after every kill").toBe("Right")
    }

    // Restart once more and let it finish a few experiments cleanly.
    const final = startLoop(dir, 3) // maxExperiments counts this session: 3 more
    expect(await final.exited, final.err()).toBe(0)
    record(final.out())

    const records = Effect.runSync(makeResultsStore({ dir: runDir }).list)
    expect(records.map((r) => r.id)).toEqual(records.map((_, i) => i + 1))
    for (const [id, commit] of reported) expect(records[id - 1]?.commit, `record ${id} was reported durable`).toBe(commit)
    const rows = readFileSync(join(runDir, "results.tsv"), "utf8").split("\n").filter((l) => l !== "")
    expect(rows).toEqual([TSV_HEADER, ...records.map(tsvRow)])
    const best = records.findLast((r) => r.status === "keep")!
    expect(git(dir, "rev-parse", "HEAD")).toBe(best.commit)
    expect(git(dir, "status", "--porcelain", "--untracked-files=no")).toBe("")
    expect(git(dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("autoresearch/kill")
    expect(orphans).toBe(0)
    expect(trainersOf(dir)).toEqual([])
    const torn = readdirSync(runDir).filter((f) => f.endsWith(".torn"))
    console.log(
      `kill test: ${KILLS} kills survived, ${records.length} records (${records.filter((r) => r.repairs > 0).length} repaired crashes), ` +
        `${reported.size} reported durable and all present, torn sidecars: ${torn.join(", ") || "none"}; ` +
        `kills by phase: ${[...phases].map(([p, n]) => `${p} ${n}`).join(", ")}`
    )
  })
})
