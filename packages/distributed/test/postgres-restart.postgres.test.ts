// The database goes away in the middle of a run: a coordinator and two workers (real processes;
// scripted agent and 1-second trainer as TEST DOUBLES) must finish with every experiment
// recorded once and one result per job. Two ways: a real restart of a PostgreSQL server of the
// test's own (the shared one is never restarted), where the machine can run one; and every
// connection to the run's database cut with pg_terminate_backend (what a restart does to the
// clients, the closest stand-in) on the DATABASE_URL server.
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { createScratchDatabase, dropScratchDatabase, parseJobLog, postgresClient } from "../src/index.js"
import { adminUrl, skipWithoutPostgres } from "./support/postgres.js"
import { privatePostgresUnavailable, startPrivatePostgres } from "./support/private-postgres.js"
import { type Child, spawnTs } from "./support/processes.js"

const git = (cwd: string, ...args: Array<string>) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim()

const workspace = () => {
  const root = mkdtempSync(join(tmpdir(), "ar-pg-restart-"))
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
  return { root, dir, remote }
}

const query = <A extends object>(url: string, text: string) =>
  Effect.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text)).pipe(Effect.provide(postgresClient({ url, maxConnections: 1 }))))

const children: Array<Child> = []
afterAll(async () => {
  for (const child of children) child.process.kill("SIGKILL")
  await Promise.all(children.map((c) => c.exited))
})

/** Runs `total` experiments on two workers, calls `disrupt` once 3 are recorded, and checks nothing was lost or recorded twice. */
const survives = async (url: string, disrupt: () => Promise<void>) => {
  const { root, dir, remote } = workspace()
  const tag = "pgrestart"
  const total = 10
  const workers = ["w1", "w2"].map((name) =>
    spawnTs("support/fake-worker.ts", [url, remote, mkdtempSync(join(root, `${name}-`)), name], { FAKE_TRAIN_MS: "1000", LEASE_SECONDS: "2" })
  )
  children.push(...workers)
  const coordinator = spawnTs("support/fake-coordinator.ts", [url, dir, remote, tag, String(total)])
  children.push(coordinator)
  await coordinator.waitFor(/^recorded 3 /, 120_000)
  await disrupt()
  await coordinator.waitFor(/^summary /, 240_000)
  expect(await coordinator.exited).toBe(0)

  // Nothing lost, nothing recorded twice: in the exports, in the database and in the timeline.
  const records = readFileSync(join(dir, "runs", tag, "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
  expect(records.map((r) => r.id).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
  expect(coordinator.lines.filter((line) => line.startsWith("recorded "))).toHaveLength(total)
  const stored = await query<{ n: string }>(url, `SELECT count(*) AS n FROM autoresearch_experiments WHERE tag = '${tag}'`)
  expect(Number(stored[0]!.n)).toBe(total)
  const jobs = await query<{ id: string; results: string }>(url, "SELECT j.id, (SELECT count(*) FROM autoresearch_results r WHERE r.job_id = j.id) AS results FROM autoresearch_jobs j")
  expect(jobs.length).toBeGreaterThanOrEqual(total)
  for (const job of jobs) expect(Number(job.results), job.id).toBe(1)
  const timeline = parseJobLog(readFileSync(join(dir, "runs", tag, "jobs.jsonl"), "utf8")).events
  const finished = timeline.filter((e) => e._tag === "Finished").map((e) => e.jobId)
  expect(finished.sort()).toEqual(jobs.map((j) => j.id).sort())
  // The workers lived through it: both still serve the queue.
  for (const worker of workers) expect(worker.process.exitCode).toBeNull()
  for (const worker of workers) worker.process.kill("SIGTERM")
}

describe.skipIf(skipWithoutPostgres !== undefined)("PostgreSQL going away mid-run", () => {
  const unavailable = privatePostgresUnavailable()
  if (unavailable !== undefined) console.warn(`skipping the real PostgreSQL restart: ${unavailable}`)

  it.skipIf(unavailable !== undefined)("a real server restart (its own server, down 3 s): every experiment recorded once, one result per job", async () => {
    const server = await startPrivatePostgres()
    try {
      await survives(server.url, () => server.restart(3000))
    } finally {
      server.stop()
    }
  }, 400_000)

  it("every connection cut (pg_terminate_backend): every experiment recorded once, one result per job", async () => {
    const url = await createScratchDatabase(adminUrl!)
    try {
      const name = new URL(url).pathname.slice(1)
      await survives(url, async () => {
        // The run's connections only (first chosen, then cut one by one: nobody else's is touched).
        const ours = await query<{ pid: number }>(adminUrl!, `SELECT pid FROM pg_stat_activity WHERE datname = '${name}'`)
        const cut = await query<{ cut: boolean }>(adminUrl!, `SELECT pg_terminate_backend(pid) AS cut FROM unnest(ARRAY[${ours.map((row) => Number(row.pid)).join(",")}]::int[]) AS pid`)
        // The coordinator's and both workers' pools: several connections each, all cut.
        expect(cut.length).toBeGreaterThanOrEqual(3)
        expect(cut.every((row) => row.cut)).toBe(true)
      })
    } finally {
      await dropScratchDatabase(adminUrl!, url)
    }
  }, 400_000)
})
