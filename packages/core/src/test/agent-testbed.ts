// TEST DOUBLE. The scaffolding of an agent adapter's tests (against a ScriptedHttpServer): a
// fresh proposal context over one canvas per proposal, every log line and error captured, and
// the transcripts written, so a test can check that a planted API key leaks into none of them.
import { Effect, Layer, Logger, LogLevel, Schema } from "effect"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Agent, type ProposalContext } from "../services/agent.js"
import { Proposal } from "../domain.js"

const decodeProposal = Schema.decodeUnknownSync(Proposal)

/** TEST DOUBLE settings: the canvas an agent adapter is tested on, and where its transcripts go. */
export interface AgentTestbedOptions {
  /** The content of the one editable file, train.ts. */
  readonly canvas: string
  /** The prefix of the temporary transcript folder. */
  readonly transcriptPrefix: string
}

/**
 * TEST DOUBLE: fresh proposal contexts, captured logs and errors, and the transcripts, for an agent adapter's tests.
 *
 * @example
 * const bed = makeAgentTestbed({ canvas: "const lr = 0.01\n", transcriptPrefix: "t-" })
 * const proposal = yield* bed.propose(MyAgent.layer(config))
 */
export const makeAgentTestbed = (options: AgentTestbedOptions) => {
  let experimentId = 1
  /** Every log message, and every error a proposal failed with, as text. */
  const logs: Array<string> = []
  const transcriptDir = mkdtempSync(join(tmpdir(), options.transcriptPrefix))

  const context = (): ProposalContext => ({
    program: "Find a better learning rate.",
    files: [{ path: "train.ts", content: options.canvas }],
    history: [],
    remaining: { experiments: 10 },
    experimentId: ++experimentId,
    transcriptDir
  })

  /** Every log line into `logs`, all levels. */
  const logger = Layer.merge(
    Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(JSON.stringify(message)))),
    Logger.minimumLogLevel(LogLevel.All)
  )

  return {
    logs,
    logger,
    context,
    transcriptDir,
    /** The text of every transcript written so far. */
    transcripts: () => readdirSync(transcriptDir).map((file) => readFileSync(join(transcriptDir, file), "utf8")),
    /** One proposal from the agent the layer builds, for a fresh context, with its logs and error captured. */
    propose: <E, R>(layer: Layer.Layer<Agent, E, R>) =>
      Effect.flatMap(Agent, (agent) => agent.propose(context())).pipe(
        Effect.map((answer) => decodeProposal(answer)), // as the loop decodes it
        Effect.provide(layer),
        Effect.provide(logger),
        Effect.tapError((error) => Effect.sync(() => logs.push(JSON.stringify(error), String(error))))
      )
  }
}
