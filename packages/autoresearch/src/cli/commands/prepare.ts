import { prepare, type PrepareProgress } from "@autoresearch/prepare"
import { checkProfile, requireWorkspace } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { workspaceDir } from "../common-options.js"
import { bar, formatBytes, statusLine } from "../status-line.js"
import { choiceOption } from "../values.js"

/** Renders prepare's progress events as one live line per phase. */
const progressRenderer = (status: ReturnType<typeof statusLine>) => {
  let phase = ""
  return (event: PrepareProgress) => {
    switch (event._tag) {
      case "Phase":
        if (phase !== "") status.done()
        phase = event.phase
        status.print(`· ${event.message}`)
        return
      case "Download":
        status.update(
          event.totalBytes !== undefined
            ? `  download ${event.file} ${bar(event.bytes / event.totalBytes)} ${formatBytes(event.bytes)} / ${formatBytes(event.totalBytes)}`
            : `  download ${event.file} ${formatBytes(event.bytes)}`
        )
        return
      case "TokenizerMerges":
        status.update(`  tokenizer merges ${bar(event.merges / Math.max(1, event.totalMerges))} ${event.merges} / ${event.totalMerges}`)
        return
      case "Tokenizing":
        status.update(
          event.totalDocs !== undefined
            ? `  tokenize ${event.split} ${bar(event.docs / Math.max(1, event.totalDocs))} ${event.docs} / ${event.totalDocs} docs`
            : `  tokenize ${event.split} ${event.docs} docs`
        )
        return
    }
  }
}

export const prepareCommand: Command = {
  name: "prepare",
  summary: "download the data and train the tokenizer for the workspace's profile (once; later calls take seconds)",
  options: {
    dir: { type: "string", short: "C", placeholder: "path", description: "the workspace (default: the current directory)" },
    profile: { type: "string", placeholder: "cpu|reference", description: "must match the workspace's profile (a guard for scripts)" },
    json: { type: "boolean", description: "print the prepared environment's manifest as one JSON object" }
  },
  details: ["The cache lives in $AUTORESEARCH_CACHE, else ~/.cache/autoresearch (or the workspace's cacheDir)."],
  run: async ({ values, io }) => {
    const profileAsked = choiceOption(values, "profile", ["cpu", "reference"], "prepare")
    const workspace = requireWorkspace(workspaceDir(values, io))
    checkProfile(workspace, profileAsked)
    const status = statusLine(io.stderr, 5_000)
    const started = Date.now()
    const env = await prepare({
      profile: workspace.profile.profile,
      source: workspace.profile.source,
      ...(workspace.profile.cacheDir !== undefined ? { cacheDir: workspace.profile.cacheDir } : {}),
      onProgress: progressRenderer(status)
    }).finally(() => status.done())
    const manifest = env.manifest
    if (values.json === true) {
      line(io.stdout, JSON.stringify({ cacheDir: env.cacheDir, seconds: (Date.now() - started) / 1000, manifest }))
      return ExitCode.ok
    }
    line(io.stdout, `prepared profile ${manifest.profile}: ${manifest.description}`)
    line(io.stdout, `  train ${manifest.train.docs} docs, ${manifest.train.tokens.toLocaleString("en")} tokens`)
    line(io.stdout, `  val   ${manifest.val.docs} docs, ${manifest.val.tokens.toLocaleString("en")} tokens (pinned, never trained on)`)
    line(io.stdout, `  tokenizer ${manifest.vocabSize} tokens · cache ${env.cacheDir} · ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return ExitCode.ok
  }
}
