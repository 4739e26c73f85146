// The harness's entry point: a child process started by TfjsTrainer, never by hand.
//   node dist/harness/main.js      (its configuration is the first line on stdin)
// `mode: "train"` trains the canvas and sends its weights; `mode: "eval"` loads the canvas with
// those weights and answers the parent's evaluation batches. Both send JSON lines on the
// channel fd; a crash is one `crash` line (and exit 1).
import { writeSync } from "node:fs"
import { createInterface } from "node:readline"
import { Schema } from "effect"
import { ChildConfig, type HarnessConfig, type EvalConfig } from "./protocol.js"
import { classify } from "./setup.js"
import { runTraining } from "./train.js"
import { runEvaluation } from "./evaluate.js"

const main = async () => {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]()
  let config: HarnessConfig | EvalConfig
  try {
    const first = await lines.next()
    config = Schema.decodeUnknownSync(Schema.parseJson(ChildConfig))(first.done ? "" : first.value)
  } catch (error) {
    console.error(`harness: ${(error as Error).message.split("\n")[0]}`)
    process.exit(2)
  }
  // The channel's fd, captured before the canvas can replace anything.
  const fd = config.channelFd
  const write = writeSync
  const stringify = JSON.stringify
  const send = (message: object) => {
    if (fd !== undefined) write(fd, stringify(message) + "\n")
  }
  const log = (line: string) => console.log(line)
  try {
    if (config.mode === "eval") await runEvaluation(config, lines, { log, send })
    else await runTraining(config, { log, send })
    process.exit(0)
  } catch (error) {
    const crash = classify(error)
    console.error(crash.reason === "nan" ? crash.message : `crash (${crash.reason}): ${crash.message}`)
    if (crash.reason === "error" && error instanceof Error && error.stack) console.error(error.stack)
    send({ type: "crash", reason: crash.reason, message: crash.message })
    process.exit(1)
  }
}

await main()
