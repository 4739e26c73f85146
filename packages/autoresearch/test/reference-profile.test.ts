// `init --profile reference` sets up the original's experiment: train.py's hyper-parameters in
// the canvas and the original's program.md, adapted to this tool's loop.
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { cli } from "./cli-helpers.js"

/** `const NAME = value` of the canvas for the given names, evaluated (literals and `2 ** n`). */
const hyperParameters = (source: string, names: ReadonlyArray<string>): Record<string, unknown> =>
  Object.fromEntries(
    names.map((name) => {
      const value = new RegExp(`^const ${name}(?:: [^=]+)? = ([^/\\n]*?)\\s*(?://.*)?$`, "m").exec(source)?.[1]
      return [name, value === undefined ? undefined : new Function(`return (${value})`)()]
    })
  )

// karpathy/autoresearch train.py, the "Hyperparameters" block.
const ORIGINAL = {
  DEPTH: 8,
  ASPECT_RATIO: 64,
  HEAD_DIM: 128,
  WINDOW_PATTERN: "SSSL",
  TOTAL_BATCH_SIZE: 2 ** 19,
  DEVICE_BATCH_SIZE: 128,
  EMBEDDING_LR: 0.6,
  UNEMBEDDING_LR: 0.004,
  MATRIX_LR: 0.04,
  SCALAR_LR: 0.5,
  WEIGHT_DECAY: 0.2,
  ADAM_BETAS: [0.8, 0.95],
  WARMUP_RATIO: 0.0,
  WARMDOWN_RATIO: 0.5,
  FINAL_LR_FRAC: 0.0
}

describe("init --profile reference", () => {
  it("writes the original's hyper-parameters and program", async () => {
    const parent = mkdtempSync(join(tmpdir(), "ar-reference-"))
    const result = await cli(["init", "ws", "--profile", "reference", "--json"], parent)
    expect(result.code).toBe(0)
    const canvas = readFileSync(join(parent, "ws", "train.ts"), "utf8")
    expect(hyperParameters(canvas, Object.keys(ORIGINAL))).toEqual(ORIGINAL)
    expect(canvas).toMatch(/^\/\/ Hyper-parameters \(the original's train\.py/m)
    // Everything else is the template, line for line.
    const template = readFileSync(join(__dirname, "..", "..", "trainer-tfjs", "templates", "train.ts"), "utf8")
    expect(canvas.split("\n").length).toBe(template.split("\n").length)
    const program = readFileSync(join(parent, "ws", "program.md"), "utf8")
    expect(program).toMatch(/fixed time budget of\s+5 minutes/)
    for (const part of ["**What you CAN do:**", "**What you CANNOT do:**", "**Simplicity criterion**", "**NEVER STOP**", "## The experiment loop", "val_bpb:          0.997900"])
      expect(program).toContain(part)
  })

  it("leaves the cpu canvas as the template is", async () => {
    const parent = mkdtempSync(join(tmpdir(), "ar-cpu-"))
    expect((await cli(["init", "ws", "--json"], parent)).code).toBe(0)
    const template = readFileSync(join(__dirname, "..", "..", "trainer-tfjs", "templates", "train.ts"), "utf8")
    expect(readFileSync(join(parent, "ws", "train.ts"), "utf8")).toBe(template)
    expect(readFileSync(join(parent, "ws", "program.md"), "utf8")).toMatch(/fixed time budget of\s+1 minute\*\*/)
  })
})
