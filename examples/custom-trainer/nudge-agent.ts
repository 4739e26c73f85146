// A small offline agent for a Python canvas: it nudges one top-level `NAME = number`
// constant per experiment, cycling through the constants and trying each step up then down.
import { Agent, AgentError, type ProposalContext } from "autoresearch"
import { Effect, Layer } from "effect"

const CONSTANT = /^([A-Z][A-Z0-9_]*) = (-?\d+(?:\.\d+)?)(.*)$/gm

const nudge = (value: string, up: boolean): string => {
  const number = Number(value)
  if (!value.includes(".")) return String(Math.max(1, number + (up ? 1 : -1)))
  return String(Number((number * (up ? 2 : 0.5)).toPrecision(3)))
}

export const NudgeAgent = {
  layer: () =>
    Layer.succeed(Agent, {
      name: "nudge",
      propose: (ctx: ProposalContext) => {
        const file = ctx.files[0]!
        const constants = [...file.content.matchAll(CONSTANT)]
        if (constants.length === 0) return Effect.fail(new AgentError({ message: "no NAME = number constants in the canvas", retryable: false }))
        const turn = ctx.experimentId - 2
        const [line, name, value, rest] = constants[Math.floor(turn / 2) % constants.length]!
        const next = nudge(value!, turn % 2 === 0)
        return Effect.succeed({
          description: `${name} ${value} → ${next}`,
          edits: [{ path: file.path, old: line!, new: `${name} = ${next}${rest}` }],
          costUsd: 0
        })
      }
    })
}
