// A PostgreSQL server of the test's own (initdb into a temporary directory, on a free port),
// so a test can restart it mid-run without touching the server other tests and people share.
// Made from the installed server's binaries (Debian: /usr/lib/postgresql/<v>/bin); as root it
// runs as the `postgres` user (the server refuses to run as root).
import { execFileSync } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface PrivatePostgres {
  readonly url: string
  /** Stops the server (fast: every connection is cut), leaves it down a while, starts it again on the same port. */
  readonly restart: (downMs: number) => Promise<void>
  readonly stop: () => void
}

const findBinDir = (): string | undefined => {
  const fromConfig = (() => {
    try {
      return execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
    } catch {
      return undefined
    }
  })()
  if (fromConfig !== undefined && existsSync(join(fromConfig, "pg_ctl")) && existsSync(join(fromConfig, "initdb"))) return fromConfig
  const debian = "/usr/lib/postgresql"
  if (!existsSync(debian)) return undefined
  const versions = readdirSync(debian).filter((v) => existsSync(join(debian, v, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a))
  return versions[0] !== undefined ? join(debian, versions[0], "bin") : undefined
}

const uidOf = (user: string): { uid: number; gid: number } | undefined => {
  try {
    return { uid: Number(execFileSync("id", ["-u", user], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", user], { encoding: "utf8" })) }
  } catch {
    return undefined
  }
}

/** Why this machine cannot run a private server, or undefined when it can. */
export const privatePostgresUnavailable = (): string | undefined => {
  if (findBinDir() === undefined) return "no PostgreSQL server binaries (pg_ctl, initdb) are installed"
  if (process.getuid?.() === 0 && (uidOf("postgres") === undefined || !existsSync("/usr/sbin/runuser"))) return "running as root without a postgres user (and runuser) to run the server as"
  return undefined
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })

export const startPrivatePostgres = async (): Promise<PrivatePostgres> => {
  const bin = findBinDir()!
  const root = process.getuid?.() === 0
  const owner = root ? uidOf("postgres")! : undefined
  const dir = mkdtempSync(join(tmpdir(), "ar-private-pg-"))
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid)
  const data = join(dir, "data")
  const run = (tool: string, args: ReadonlyArray<string>) =>
    root
      ? execFileSync("/usr/sbin/runuser", ["-u", "postgres", "--", join(bin, tool), ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
      : execFileSync(join(bin, tool), [...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
  run("initdb", ["-D", data, "--auth=trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"])
  start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async (downMs) => {
      run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"])
      await new Promise((resolve) => setTimeout(resolve, downMs))
      start()
    },
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
