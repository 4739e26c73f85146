import { startDashboard } from "../../dashboard/server.js"
import { resolveTag } from "../../results/records.js"
import { UserError } from "../../user-error.js"
import { requireWorkspace } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { workspaceDir } from "../common-options.js"
import { numberOption, stringOption } from "../values.js"

export const dashboardCommand: Command = {
  name: "dashboard",
  summary: "serve a local web page that follows a run live (chart, table, current experiment and its diff)",
  options: {
    dir: { type: "string", short: "C", placeholder: "path", description: "the workspace (default: the current directory)" },
    tag: { type: "string", short: "t", placeholder: "tag", description: "the run to follow (default: the most recent; may not exist yet)" },
    port: { type: "string", short: "p", placeholder: "n", description: "port on 127.0.0.1 (default 8321; 0 picks a free one)" },
    host: { type: "string", placeholder: "addr", description: "address to listen on (default 127.0.0.1)" }
  },
  details: [
    "The page follows runs/<tag>/experiments.jsonl and runs/<tag>/events.jsonl, so it works beside",
    "`autoresearch run` in another terminal. Stop it with Ctrl-C."
  ],
  run: async ({ values, io }) => {
    const port = numberOption(values, "port", "dashboard", { integer: true, min: 0 }) ?? 8321
    const workspace = requireWorkspace(workspaceDir(values, io))
    const tag = stringOption(values, "tag") ?? resolveTag(workspace.dir, undefined)
    const host = stringOption(values, "host") ?? "127.0.0.1"
    const dashboard = await startDashboard({ workspace: workspace.dir, tag, port, host }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") throw new UserError(`port ${port} is in use`, "pass another with --port (0 picks a free one)", ExitCode.usage)
      throw error
    })
    line(io.stdout, `dashboard for run ${tag}: ${dashboard.url}  (Ctrl-C to stop)`)
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()))
    await dashboard.close()
    return ExitCode.ok
  }
}
