// The coordinator on PostgreSQL killed with -9 in the middle of a run and started again: it
// resumes, re-offers what was in flight, and every experiment is recorded exactly once. A
// second coordinator for the same tag is refused while one runs.
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { scratchDatabase, skipWithoutPostgres } from "./support/postgres.js"
import { type Child, spawnTs } from "./support/processes.js"

const git = (cwd: string, ...args: Array<string>) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim()

describe.skipIf(skipWithoutPostgres !== undefined)("the coordinator on PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> }
  const children: Array<Child> = []
  beforeAll(async () => {
    db = await scratchDatabase()
  })
  afterAll(async () => {
    for (const child of children) child.process.kill("SIGKILL")
    await Promise.all(children.map((c) => c.exited))
    await db?.drop()
  })

  it("killed with -9 and restarted, it finishes the run with every experiment recorded once", async () => {
    const root = mkdtempSync(join(tmpdir(), "ar-coord-kill-"))
    const dir = join(root, "workspace")
    const remote = join(root, "remote.git")
    git(root, "init", "--quiet", "--bare", remote)
    git(root, "init", "--quiet", "-b", "main", dir)
    git(dir, "config", "user.email", "test@autoresearch.local")
    git(dir, "config", "user.name", "test")
    mkdirSync(join(dir, ".autoresearch"))
    writeFileSync(join(dir, ".autoresearch", "profile.json"), JSON.stringify({ profile: "cpu", source: { kind: "embedded" } }))
    writeFileSync(join(dir, "train.ts"), "const d = 0\n")
    writeFileSync(join(dir, ".gitignore"), "runs/\n")
    git(dir, "add", "-A")
    git(dir, "commit", "--quiet", "-m", "init")
    const tag = "coordkill"
    const total = 20
    const coordinator = () => spawnTs("support/fake-coordinator.ts", [db.url, dir, remote, tag, String(total)])
    for (const name of ["w1", "w2"]) {
      children.push(spawnTs("support/fake-worker.ts", [db.url, remote, mkdtempSync(join(root, `${name}-`)), name], { FAKE_TRAIN_MS: "2000", LEASE_SECONDS: "2" }))
    }

    const first = coordinator()
    children.push(first)
    await first.waitFor(/^recorded 3 /, 90_000)
    // maxExperiments counts one coordinator's session: the restart records `total` more.
    first.process.kill("SIGKILL")
    await first.exited

    const second = coordinator()
    children.push(second)
    const resumedAfter = Number((await second.waitFor(/^LoopStarted \d+$/, 60_000)).split(" ")[1])
    // While it runs, a second coordinator for the tag is refused.
    const intruder = coordinator()
    children.push(intruder)
    expect(await intruder.waitFor(/^error: /, 60_000)).toMatch(/another coordinator is running tag coordkill/)
    await second.waitFor(/^summary /, 180_000)
    expect(await second.exited).toBe(0)

    const records = readFileSync(join(dir, "runs", tag, "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
    expect(records.map((r) => r.id).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: resumedAfter + total }, (_, i) => i + 1))
    const tsvRows = readFileSync(join(dir, "runs", tag, "results.tsv"), "utf8").trim().split("\n")
    expect(tsvRows).toHaveLength(resumedAfter + total + 1)
    // The restart resumed: it found what the first recorded, and recorded only the rest.
    expect(resumedAfter).toBeGreaterThanOrEqual(3)
    const recordedBySecond = second.lines.filter((line) => line.startsWith("recorded ")).length
    const recordedByFirst = first.lines.filter((line) => line.startsWith("recorded ")).length
    expect(recordedBySecond).toBe(total)
    expect(recordedByFirst).toBeLessThanOrEqual(resumedAfter)
  }, 300_000)
})
