// `autoresearch dashboard`: a local web page that follows a run. It tails the run's
// experiments.jsonl, events.jsonl and a parallel run's jobs.jsonl (so it works beside
// `autoresearch run` in another terminal, or inside it) and pushes the state to the page with
// server-sent events.
import { createServer, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { parseEventLine } from "../events/event-log.js"
import { eventsFile } from "../events/event-log.js"
import { tailLines, type Tail } from "../events/tail.js"
import { parseJobLog } from "@autoresearch/distributed"
import { renderChartSvg } from "../report/chart.js"
import { renderTimelineSvg } from "../report/timeline.js"
import { jobsFile } from "../results/parallel.js"
import { parseRecords, recordsFile, runDir } from "../results/records.js"
import { dashboardPage } from "./page.js"
import { applyEvent, emptyState, viewOf, withJobEvents, withRecords, type DashboardState } from "./state.js"

/** Which run the dashboard follows, and where it listens. */
export interface DashboardOptions {
  readonly workspace: string
  readonly tag: string
  /** 0 picks a free port. */
  readonly port?: number
  readonly host?: string
  /** How often the files are polled, in ms. */
  readonly pollMs?: number
}

/** A running dashboard: its URL, the state it shows, and `close`. */
export interface Dashboard {
  readonly url: string
  readonly state: () => DashboardState
  readonly close: () => Promise<void>
}

/**
 * Serves a live page of one run (following its experiments.jsonl and events.jsonl) until `close`.
 *
 * @example
 * const dashboard = await startDashboard({ workspace: "/home/me/research", tag: "nov27", port: 0 })
 * console.log(dashboard.url)
 */
export const startDashboard = async (options: DashboardOptions): Promise<Dashboard> => {
  let state = emptyState(options.tag)
  const clients = new Set<ServerResponse>()
  let pushTimer: NodeJS.Timeout | undefined

  const send = (client: ServerResponse) => client.write(`data: ${JSON.stringify(viewOf(state))}\n\n`)
  // Coalesce bursts (a replayed file, fast progress) into at most a few pushes a second.
  const schedulePush = () => {
    if (pushTimer !== undefined) return
    pushTimer = setTimeout(() => {
      pushTimer = undefined
      for (const client of clients) send(client)
    }, 100)
  }

  const recordsPath = recordsFile(options.workspace, options.tag)
  const tails: Array<Tail> = [
    tailLines(
      recordsPath,
      (line) => {
        const records = (() => {
          try {
            return parseRecords(line, recordsPath)
          } catch {
            return [] // a damaged line is the results command's to report; the page goes on
          }
        })()
        state = withRecords(state, records)
        schedulePush()
      },
      options.pollMs
    ),
    tailLines(
      jobsFile(options.workspace, options.tag),
      (line) => {
        state = withJobEvents(state, parseJobLog(`${line}\n`).events) // a damaged line is skipped here
        schedulePush()
      },
      options.pollMs
    ),
    tailLines(
      eventsFile(runDir(options.workspace, options.tag)),
      (line) => {
        const timed = parseEventLine(line)
        if (timed === undefined) return
        state = applyEvent(state, timed.event, timed.at)
        schedulePush()
      },
      options.pollMs
    )
  ]

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname
    if (path === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" })
      response.end(dashboardPage(options.tag))
    } else if (path === "/events") {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" })
      clients.add(response)
      send(response)
      request.on("close", () => clients.delete(response))
    } else if (path === "/state") {
      response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" })
      response.end(JSON.stringify(viewOf(state)))
    } else if (path === "/chart.svg") {
      response.writeHead(200, { "content-type": "image/svg+xml", "cache-control": "no-store" })
      response.end(renderChartSvg(state.records, { width: 1000, height: 420 }))
    } else if (path === "/timeline.svg") {
      const view = viewOf(state)
      response.writeHead(view.parallel !== null ? 200 : 404, { "content-type": "image/svg+xml", "cache-control": "no-store" })
      response.end(view.parallel !== null ? renderTimelineSvg(view.parallel, state.records, { width: 1000 }) : "")
    } else {
      response.writeHead(404, { "content-type": "text/plain" })
      response.end("not found\n")
    }
  })
  // Keep-alive comments stop proxies and browsers from dropping a quiet stream.
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(": keep-alive\n\n")
  }, 15_000)
  heartbeat.unref()

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 8321, options.host ?? "127.0.0.1", () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}/`,
    state: () => state,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat)
        if (pushTimer !== undefined) clearTimeout(pushTimer)
        for (const tail of tails) tail.stop()
        for (const client of clients) client.end()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
