// Usage: tsx research.ts <prepared workspace>
import { runResearch } from "autoresearch"
import { createScoreboard } from "./scoreboard.js"

const board = createScoreboard((text) => process.stdout.write(`\u001b[2J\u001b[H${text}\n`))
await runResearch({ dir: process.argv[2] ?? ".", tag: "scoreboard", maxExperiments: 10, onEvent: board.onEvent })
