// The CLI's contract with a person: help everywhere, one clear line (plus a hint) for every
// mistake, exit codes that mean something. Run in-process through the same main() as the binary.
import { execFileSync, spawnSync } from "node:child_process"
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Schema } from "effect"
import { ExperimentRecord } from "@autoresearch/core"
import { describe, expect, it } from "vitest"
import { commands } from "../src/cli/main.js"
import { cli } from "./cli-helpers.js"
import { sampleRun } from "./fixtures.js"

const temp = () => mkdtempSync(join(tmpdir(), "ar-cli-"))

/** A user mistake: nothing on stdout, exactly "error: …" and "hint: …" on stderr, no stack. */
const expectOneClearLine = (result: { code: number; stdout: string; stderr: string }, code: number, pattern: RegExp) => {
  expect(result.code).toBe(code)
  const lines = result.stderr.trimEnd().split("\n")
  expect(lines[0]).toMatch(pattern)
  expect(lines[0]).toMatch(/^error: /)
  expect(lines.length).toBeLessThanOrEqual(2)
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

describe("help", () => {
  it("lists every command, and every command has --help", async () => {
    const top = await cli(["--help"], temp())
    expect(top.code).toBe(0)
    for (const command of commands) {
      expect(top.stdout).toContain(command.name)
      const help = await cli([command.name, "--help"], temp())
      expect(help.code).toBe(0)
      expect(help.stdout).toMatch(new RegExp(`^usage: autoresearch ${command.name}`))
      for (const option of Object.keys(command.options)) expect(help.stdout).toContain(`--${option}`)
    }
  })

  it("no command at all is a usage error with the help on stderr", async () => {
    const result = await cli([], temp())
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("usage: autoresearch <command>")
  })
})

describe("bad input is one clear line", () => {
  it("unknown command", async () => {
    expectOneClearLine(await cli(["trian"], temp()), 2, /unknown command "trian"/)
  })

  it("unknown flag", async () => {
    expectOneClearLine(await cli(["results", "--colour"], temp()), 2, /unknown option --colour for `autoresearch results`/)
  })

  it("a flag without its value, and a value that does not parse", async () => {
    expectOneClearLine(await cli(["results", "--tag"], temp()), 2, /option -t, --tag <value> argument missing/)
    expectOneClearLine(await cli(["dashboard", "--port", "web"], temp()), 2, /--port must be a whole number \(got "web"\)/)
  })

  it("a missing workspace", async () => {
    const dir = temp()
    expectOneClearLine(await cli(["results", "--dir", join(dir, "nope")], dir), 3, /nope is not an autoresearch workspace \(it does not exist\)/)
    expectOneClearLine(await cli(["report"], dir), 3, /is not an autoresearch workspace \(no \.autoresearch\/profile\.json\)/)
  })

  it("a damaged profile file", async () => {
    const dir = temp()
    mkdirSync(join(dir, ".autoresearch"))
    writeFileSync(join(dir, ".autoresearch", "profile.json"), JSON.stringify({ profile: "gpu", source: { kind: "embedded" } }))
    expectOneClearLine(await cli(["results"], dir), 3, /profile\.json does not describe a workspace profile/)
  })

  it("a run that does not exist, and a workspace with no runs yet", async () => {
    const dir = temp()
    expect((await cli(["init", dir], dir)).code).toBe(0)
    expectOneClearLine(await cli(["results"], dir), 2, /no runs yet in/)
    expectOneClearLine(await cli(["results", "--tag", "nope"], dir), 2, /no run "nope"/)
  })

  it("a run configuration that does not decode (a bad tag) is a usage error, not a crash", async () => {
    const dir = temp()
    expect((await cli(["init", dir], dir)).code).toBe(0)
    expectOneClearLine(await cli(["run", "--tag", "bad tag"], dir), 2, /^error: invalid configuration: tag must be 1-64 letters/)
  })

  it("init refuses the SDK's own repository and an existing workspace", async () => {
    expectOneClearLine(await cli(["init", "packages/research"], join(__dirname, "..", "..", "..")), 2, /is inside the SDK's own repository/)
    const dir = temp()
    expect((await cli(["init", dir], dir)).code).toBe(0)
    expectOneClearLine(await cli(["init", dir], dir), 2, /already has train\.ts: it is a workspace already/)
    expectOneClearLine(await cli(["init", temp(), "--profile", "gpu"], dir), 2, /--profile must be one of cpu, reference \(got "gpu"\)/)
  })
})

describe("the binary", () => {
  it("exits with the command's code and prints one line for a mistake", () => {
    const bin = join(__dirname, "..", "src", "cli", "bin.ts")
    const run = (args: ReadonlyArray<string>) =>
      spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", bin, ...args], { cwd: join(__dirname, ".."), encoding: "utf8" })
    const version = run(["--version"])
    expect(version.status).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const bad = run(["results", "--bogus"])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toBe("error: unknown option --bogus for `autoresearch results`\nhint: see `autoresearch results --help`\n")
  })
})

describe("init", () => {
  it("creates a committed workspace with the canvas, the program and the profile", async () => {
    const parent = temp()
    const result = await cli(["init", "research", "--json"], parent)
    expect(result.code).toBe(0)
    const created = JSON.parse(result.stdout)
    const dir = join(parent, "research")
    expect(created).toMatchObject({ dir, profile: "cpu", source: { kind: "embedded" } })
    expect(readFileSync(join(dir, "train.ts"), "utf8")).toContain('from "@autoresearch/trainer-tfjs/canvas"')
    expect(readFileSync(join(dir, "program.md"), "utf8")).toContain("val_bpb")
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^runs\/$/m)
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type).toBe("module")
    expect(JSON.parse(readFileSync(join(dir, ".autoresearch", "profile.json"), "utf8"))).toEqual({ profile: "cpu", source: { kind: "embedded" } })
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: dir, encoding: "utf8" })).toBe("")
    expect(execFileSync("git", ["ls-files"], { cwd: dir, encoding: "utf8" }).split("\n").filter(Boolean).sort()).toEqual(
      [".autoresearch/profile.json", ".gitignore", "package.json", "program.md", "train.ts"]
    )
  })

  it("records a local data source", async () => {
    const parent = temp()
    const result = await cli(["init", "ws", "--data", "corpus", "--json"], parent)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).source).toEqual({ kind: "local", dir: join(parent, "corpus") })
  })
})

describe("results and report on a stored run", () => {
  const workspaceWithRun = async () => {
    const dir = temp()
    expect((await cli(["init", dir], dir)).code).toBe(0)
    mkdirSync(join(dir, "runs", "night"), { recursive: true })
    for (const entry of sampleRun) appendFileSync(join(dir, "runs", "night", "experiments.jsonl"), `${JSON.stringify(Schema.encodeSync(ExperimentRecord)(entry))}\n`)
    return dir
  }

  it("prints the table, and --json the summary", async () => {
    const dir = await workspaceWithRun()
    const table = await cli(["results"], dir)
    expect(table.code).toBe(0)
    expect(table.stdout).toContain("run night: 5 experiments, 2 kept, 1 discarded, 1 crashed; keep rate 50%")
    const json = JSON.parse((await cli(["results", "--json", "--tag", "night"], dir)).stdout)
    expect(json).toMatchObject({ tag: "night", experiments: 5, bestBpb: 2.35, keepRate: 0.5 })
    expect(json.rows).toHaveLength(5)
  })

  it("writes the chart and the HTML report", async () => {
    const dir = await workspaceWithRun()
    const result = await cli(["report", "--json", "--svg-only"], dir)
    expect(result.code).toBe(0)
    const files = JSON.parse(result.stdout)
    expect(files).toMatchObject({ points: 4, png: null, svg: join(dir, "runs", "night", "report", "progress.svg") })
    expect(readFileSync(files.html, "utf8")).toContain("<svg")
  })
})
