// The dashboard's single page: no build step, no external assets. It listens to /events
// (server-sent events carrying the whole DashboardView) and redraws the current experiment,
// the chart (re-fetched from /chart.svg when the records change), the table, and a parallel
// run's workers, jobs in flight and timeline (/timeline.svg).
import { escapeHtml } from "../report/html.js"

const script = String.raw`
const $ = (id) => document.getElementById(id)
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
const bpb = (v) => v === null || v === undefined ? "-" : v.toFixed(6)
const delta = (v) => v === null ? "" : v === 0 ? "±0" : (v > 0 ? "+" : "−") + Math.abs(v).toFixed(6)
const secs = (s) => s >= 60 ? Math.floor(s / 60) + "m" + String(Math.round(s % 60)).padStart(2, "0") + "s" : Math.round(s) + "s"
let shownRecords = -1
function renderDiff(diff) {
  return diff.split("\n").map((line) => {
    const cls = line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : line.startsWith("@@") ? "hunk" : ""
    return '<span class="' + cls + '">' + esc(line) + "</span>"
  }).join("\n")
}
function render(view) {
  const s = view.summary
  $("totals").textContent = s.experiments + " experiments · " + s.kept + " kept · " + s.discarded + " discarded · " + s.crashed + " crashed" +
    (s.keepRate === null ? "" : " · keep rate " + Math.round(100 * s.keepRate) + "%") +
    (s.bestBpb === null ? "" : " · best " + bpb(s.bestBpb)) + (s.baselineBpb === null ? "" : " (baseline " + bpb(s.baselineBpb) + ")")
  const c = view.current
  if (view.stopped) {
    $("status").textContent = "stopped: " + view.stopped.stopReason
    $("status").className = "stopped"
  } else {
    $("status").textContent = c ? "running experiment #" + c.id : "waiting for the run"
    $("status").className = c ? "running" : ""
  }
  if (c) {
    $("current").hidden = false
    $("cur-title").textContent = "#" + c.id + " " + (c.baseline ? "baseline" : (c.description || "the agent is thinking…"))
    const p = c.progress
    $("bar").style.width = p ? (100 * p.progress).toFixed(1) + "%" : "0%"
    $("cur-stats").textContent = p ? "step " + p.step + " · " + (100 * p.progress).toFixed(0) + "% · loss " + p.loss.toFixed(4) + " · " + Math.round(p.tokensPerSec) + " tok/s · " + secs(p.remainingSeconds) + " left" : (c.description || c.baseline ? "starting training…" : "")
    $("diff").innerHTML = c.diff ? renderDiff(c.diff) : ""
    $("diff").hidden = !c.diff
  } else {
    $("current").hidden = true
  }
  if (s.rows.length !== shownRecords) {
    shownRecords = s.rows.length
    $("chart").src = "/chart.svg?n=" + shownRecords
    $("rows").innerHTML = s.rows.map((r) =>
      '<tr class="' + (r.baseline ? "baseline" : r.status) + '" data-id="' + r.id + '"><td>' + r.id + "</td><td><code>" + esc(r.commit) + "</code></td><td>" + bpb(r.valBpb) + "</td><td>" + delta(r.deltaVsBest) +
      "</td><td>" + (r.memoryGb === null ? "-" : r.memoryGb.toFixed(1)) + "</td><td>" + (r.baseline ? "baseline" : r.status) + "</td><td>" + esc(r.description) +
      (r.failure && r.status !== "keep" && r.status !== "discard" ? '<div class="why">' + esc(r.failure) + "</div>" : "") + "</td></tr>").reverse().join("")
  }
  $("notices").innerHTML = view.notices.slice(-5).map((n) => "<li>" + esc(n) + "</li>").join("")
  renderParallel(view.parallel)
}
// A parallel run: its workers, the jobs in flight and the timeline (redrawn as it changes,
// and every few seconds while jobs run, so their bars grow).
let shownTimeline = ""
let timelineDrawnAt = 0
function renderParallel(p) {
  $("parallel").hidden = !p
  if (!p) return
  const now = Date.now()
  const since = (iso) => secs(Math.max(0, (now - Date.parse(iso)) / 1000))
  const span = p.start && p.end ? (Date.parse(p.end) - Date.parse(p.start)) / 1000 : 0
  $("par-totals").textContent = p.jobs + " jobs · " + p.finished + " finished · " + p.inFlight.length + " in flight · " + p.workers.length + " workers" + (p.retried.length ? " · " + p.retried.length + " retried" : "")
  $("workers").innerHTML = p.workers.map((w) => "<tr><td><code>" + esc(w.name) + "</code></td><td>" + w.jobs + "</td><td>" + w.lostClaims + "</td><td>" + (span > 0 ? Math.round(100 * w.busySeconds / span) + "%" : "-") +
    "</td><td>" + (w.running ? "#" + w.running.experiment + " for " + since(w.running.since) : "idle") + "</td></tr>").join("")
  $("inflight").innerHTML = p.inFlight.map((j) => "<li>#" + j.experiment + (j.round ? "." + j.round : "") + " " + esc(j.description || "") + " · " +
    (j.worker ? "on <code>" + esc(j.worker) + "</code> for " + since(j.claimedAt) + (j.claim > 1 ? " (claim " + j.claim + ")" : "") : "waiting for a worker for " + since(j.offeredAt)) + "</li>").join("")
  const key = p.timeline.length + ":" + p.finished
  if (key !== shownTimeline || (p.inFlight.length > 0 && now - timelineDrawnAt > 5000)) {
    shownTimeline = key
    timelineDrawnAt = now
    $("timeline").src = "/timeline.svg?k=" + encodeURIComponent(key) + "&t=" + now
  }
}
const source = new EventSource("/events")
source.onmessage = (message) => render(JSON.parse(message.data))
source.onerror = () => { $("status").textContent = "disconnected, retrying…"; $("status").className = "stopped" }
`

export const dashboardPage = (tag: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>autoresearch · ${escapeHtml(tag)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font-family: system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif; margin: 1.5rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; } h1 { font-size: 1.3rem; margin: 0; }
#status { font-weight: 600; color: #666; } #status.running { color: #1a7f37; } #status.stopped { color: #9a6700; }
#totals { color: #444; margin: .5rem 0 1rem; }
#current { border: 1px solid #d0d7de; border-radius: 8px; padding: .75rem 1rem; margin-bottom: 1rem; }
#cur-title { font-weight: 600; } .track { background: #eaeef2; border-radius: 4px; height: 10px; margin: .5rem 0; overflow: hidden; }
#bar { background: #2ca02c; height: 100%; width: 0; transition: width .4s; } #cur-stats { font-size: .9rem; color: #444; font-variant-numeric: tabular-nums; }
#diff { background: #f6f8fa; padding: .5rem; font-size: .8rem; max-height: 320px; overflow: auto; } .add { color: #1a7f37; } .del { color: #cf222e; } .hunk { color: #8250df; }
#chart { width: 100%; border: 1px solid #eee; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
td:nth-child(3), td:nth-child(4), td:nth-child(5) { font-variant-numeric: tabular-nums; text-align: right; }
tr.keep td:nth-child(6) { color: #1a7f37; font-weight: 600; } tr.baseline td:nth-child(6) { color: #1f6feb; font-weight: 600; } tr.discard { color: #666; }
tr.crash td:nth-child(6), tr.invalid td:nth-child(6), tr.agent_error td:nth-child(6) { color: #cf222e; } .why { color: #cf222e; font-size: .8rem; }
#notices { color: #9a6700; font-size: .85rem; }
#timeline { width: 100%; border: 1px solid #eee; margin-top: .5rem; } #par-totals { color: #444; margin-bottom: .5rem; }
</style></head><body>
<header><h1>autoresearch · run <code>${escapeHtml(tag)}</code></h1><span id="status">connecting…</span></header>
<div id="totals"></div>
<section id="current" hidden><div id="cur-title"></div><div class="track"><div id="bar"></div></div><div id="cur-stats"></div><pre id="diff" hidden></pre></section>
<ul id="notices"></ul>
<section id="parallel" hidden><h2>Workers</h2><div id="par-totals"></div>
<table><thead><tr><th>worker</th><th>jobs</th><th>lost claims</th><th>busy</th><th>now</th></tr></thead><tbody id="workers"></tbody></table>
<ul id="inflight"></ul><img id="timeline" alt="timeline: which worker trained what, when"></section>
<img id="chart" alt="progress chart">
<h2>Experiments</h2>
<table><thead><tr><th>#</th><th>commit</th><th>val_bpb</th><th>Δ best</th><th>mem GB</th><th>status</th><th>description</th></tr></thead><tbody id="rows"></tbody></table>
<script>${script}</script>
</body></html>
`
