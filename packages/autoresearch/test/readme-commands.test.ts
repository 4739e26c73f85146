// The README's "Using it" block, run as a new user types it: set-up's PATH step (scripts/link-cli.sh,
// into a throwaway npm prefix), then every line of the block, literally, in bash, in a fresh HOME
// with no git identity and no API key. Only the speed changes: train, run and verify get a tiny budget and
// run 2 experiments, appended after the README's own flags (the last value wins), and dashboard gets
// --port 0 so it cannot collide. Needs the build (`pnpm build`): this is the real binary.
import { spawn, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const root = join(__dirname, "..", "..", "..")
const bin = join(root, "packages", "autoresearch", "bin", "autoresearch.js")

/** The shell lines of the README's "Using it" block, comments kept (bash ignores them). */
const usingItBlock = (): ReadonlyArray<string> => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf("## Using it"))
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) throw new Error('README.md has no sh block under "## Using it"')
  return block.split("\n").filter((line) => line.trim() !== "")
}

/** Speed only: flags appended after the README's own (node's parseArgs keeps the last value). */
const faster = (line: string): string => {
  const command = line.replace(/\s+#.*$/, "")
  if (/^autoresearch train\b/.test(command)) return `${command} --budget 3`
  if (/^autoresearch run\b/.test(command)) return `${command} --experiments 2 --budget 3 --noise-repeats 0 --confirmations 0`
  if (/^autoresearch verify\b/.test(command)) return `${command} --repeats 1 --budget 3`
  return line
}

/** A fresh user's environment: own HOME (no git identity), own npm prefix, no agent keys. */
const freshUser = () => {
  const home = mkdtempSync(join(tmpdir(), "ar-readme-home-"))
  const prefix = join(home, "npm-global")
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, npm_config_prefix: prefix, PATH: `${join(prefix, "bin")}:${process.env.PATH}` }
  for (const name of ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "AUTORESEARCH_DEBUG", "GIT_CONFIG_GLOBAL", "XDG_CONFIG_HOME"]) delete env[name]
  env.GIT_CONFIG_NOSYSTEM = "1"
  // prepared data shared by test runs (prepare is idempotent: seconds the second time)
  env.AUTORESEARCH_CACHE = join(tmpdir(), "autoresearch-test-cache")
  return { home, env }
}

const marker = "@@@ "

/** bash, asynchronously (a minutes-long spawnSync would starve vitest's worker of its event loop). */
const bash = (script: string, options: { cwd: string; env: NodeJS.ProcessEnv }) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn("bash", ["-c", script], options)
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += String(chunk)))
    child.stderr.on("data", (chunk) => (stderr += String(chunk)))
    child.on("error", reject)
    child.on("close", (status) => resolve({ status, stdout, stderr }))
  })

describe("the README's commands", () => {
  it("set-up puts `autoresearch` on the PATH, and the Using-it block runs as written in a fresh workspace", { timeout: 420_000 }, async () => {
    expect(existsSync(join(root, "packages", "autoresearch", "dist", "cli", "bin.js")), "run `pnpm build` first").toBe(true)
    const { home, env } = freshUser()
    const lines = usingItBlock()
    expect(lines[0]).toMatch(/^autoresearch init ~\/research\/first\b/)
    const dashboard = lines.find((line) => /^autoresearch dashboard\b/.test(line))!
    const script = [
      "set -euo pipefail",
      `bash ${JSON.stringify(join(root, "scripts", "link-cli.sh"))}`,
      ...lines.filter((line) => line !== dashboard).flatMap((line) => [`echo ${JSON.stringify(marker + line)}`, faster(line)])
    ].join("\n")
    const ran = await bash(script, { cwd: home, env })
    const output = `${ran.stdout}\n${ran.stderr}`
    expect(ran.status, output).toBe(0)

    expect(ran.stdout).toContain(`setup: linked ${join(home, "npm-global", "bin", "autoresearch")} -> ${bin}`)
    const workspace = join(home, "research", "first")
    expect(ran.stdout).toContain(`created workspace ${workspace}`)
    const section = (command: string) => {
      const start = ran.stdout.indexOf(`${marker}autoresearch ${command}`)
      expect(start, `no output for ${command}`).toBeGreaterThanOrEqual(0)
      const end = ran.stdout.indexOf(marker, start + marker.length)
      return ran.stdout.slice(start, end === -1 ? undefined : end)
    }
    expect(section("train")).toMatch(/^val_bpb:\s+\d\.\d+/m)
    expect(section("results")).toMatch(/run \w+: 2 experiments/)
    const report = section("report")
    const pngPath = /chart:\s+(\S+\.png)/.exec(report)?.[1]
    expect(pngPath, report + ran.stderr).toBeDefined()
    const png = readFileSync(join(workspace, pngPath!))
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(png.length).toBeGreaterThan(20_000)
    expect(ran.stderr).not.toMatch(/note: .*PNG/)

    // the dashboard serves until Ctrl-C; --port 0 so a parallel test run cannot collide
    const server = spawn("bash", ["-c", `cd ~/research/first && exec ${dashboard.replace(/\s+#.*$/, "")} --port 0`], { cwd: home, env })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = ""
        server.stdout.on("data", (chunk) => {
          seen += String(chunk)
          const found = /(http:\/\/\S+)/.exec(seen)?.[1]
          if (found !== undefined) resolve(found)
        })
        server.on("exit", (code) => reject(new Error(`dashboard exited ${code}`)))
      })
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain("<html")
    } finally {
      const exited = new Promise((resolve) => server.once("exit", resolve))
      server.kill("SIGINT")
      await exited
    }
  })
})

describe("set-up's PATH step (scripts/link-cli.sh)", () => {
  const link = (env: NodeJS.ProcessEnv) => spawnSync("bash", [join(root, "scripts", "link-cli.sh")], { env, encoding: "utf8" })

  it("falls back to ~/.local/bin when npm's global bin cannot be written, and says what to add to the PATH", () => {
    const { home, env } = freshUser()
    writeFileSync(join(home, "blocker"), "") // a file where a directory would go: unwritable even for root
    const result = link({ ...env, npm_config_prefix: join(home, "blocker", "npm") })
    expect(result.status).toBe(0)
    expect(result.stderr).toBe(`setup: linked ${home}/.local/bin/autoresearch, but ${home}/.local/bin is not on your PATH; add it: export PATH="${home}/.local/bin:$PATH"\n`)
    expect(realpathSync(join(home, ".local", "bin", "autoresearch"))).toBe(bin)
  })

  it("says in one line how to link it by hand when no directory can be written", () => {
    const { home, env } = freshUser()
    writeFileSync(join(home, "blocker"), "")
    const result = link({ ...env, HOME: join(home, "blocker"), npm_config_prefix: join(home, "blocker", "npm") })
    expect(result.status).toBe(0)
    expect(result.stderr).toMatch(/^setup: cannot write to .*blocker\/npm\/bin, so `autoresearch` is not on the PATH; run: sudo ln -sfn .* \(or call it as: node .*autoresearch\.js\)\n$/)
  })

  it("leaves alone an `autoresearch` that is not a link", () => {
    const { home, env } = freshUser()
    mkdirSync(join(home, "npm-global", "bin"), { recursive: true })
    writeFileSync(join(home, "npm-global", "bin", "autoresearch"), "#!/bin/sh\necho someone else's\n")
    const result = link(env)
    expect(result.stderr).toMatch(/^setup: .*autoresearch exists and is not a link; left it alone/)
    expect(readFileSync(join(home, "npm-global", "bin", "autoresearch"), "utf8")).toContain("someone else's")
  })
})

describe("the binary when it cannot run", () => {
  /** A copy of the SDK's bin in a bare layout, to break what it needs without touching the repo. */
  const layout = () => {
    const sdk = mkdtempSync(join(tmpdir(), "ar-bin-"))
    mkdirSync(join(sdk, "scripts"))
    writeFileSync(join(sdk, "scripts", "setup.sh"), "")
    cpSync(bin, join(sdk, "packages", "autoresearch", "bin", "autoresearch.js"), { recursive: true })
    return sdk
  }
  const run = (sdk: string) => spawnSync(process.execPath, [join(sdk, "packages", "autoresearch", "bin", "autoresearch.js"), "--version"], { encoding: "utf8" })

  it("not built: one error line and the command that fixes it", () => {
    const sdk = layout()
    const result = run(sdk)
    expect(result.status).toBe(1)
    expect(result.stderr).toBe(`error: autoresearch is not built yet\nhint: run \`bash scripts/setup.sh\` in ${sdk}\n`)
  })

  it("a broken install: one error line naming what is missing, no stack", () => {
    const sdk = layout()
    mkdirSync(join(sdk, "packages", "autoresearch", "dist", "cli"), { recursive: true })
    writeFileSync(join(sdk, "packages", "autoresearch", "dist", "cli", "bin.js"), 'import "effect"\n')
    const result = run(sdk)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^error: autoresearch could not start: Cannot find package 'effect' imported from .*\nhint: run `bash scripts\/setup\.sh` in .*\n$/)
  })
})
