import { describe, expect, it } from "vitest"
import { priceFor, toolCallsFromText } from "../src/agent-kit/index.js"

describe("tool calls written as text (local models)", () => {
  const replace = { path: "train.ts", old: "a", new: "b" }

  it("reads bare JSON, an array, a ```json fence and <tool_call> tags", () => {
    expect(toolCallsFromText(JSON.stringify({ name: "replace", arguments: replace }))).toEqual([{ id: "text_call_1", name: "replace", input: replace }])
    const two = JSON.stringify([{ name: "replace", arguments: replace }, { name: "finish", arguments: { description: "d" } }])
    expect(toolCallsFromText(two).map((call) => call.name)).toEqual(["replace", "finish"])
    const fenced = "I will change it.\n```json\n" + JSON.stringify({ name: "view", parameters: { path: "train.ts" } }) + "\n```\nDone."
    expect(toolCallsFromText(fenced)).toEqual([{ id: "text_call_1", name: "view", input: { path: "train.ts" } }])
    const tagged = `<tool_call>\n${JSON.stringify({ name: "replace", arguments: replace })}\n</tool_call>\n<tool_call>\n{"name": "finish", "arguments": {"description": "x"}}\n</tool_call>`
    expect(toolCallsFromText(tagged, 5).map((call) => call.id)).toEqual(["text_call_5", "text_call_6"])
    expect(toolCallsFromText(JSON.stringify({ type: "function", function: { name: "finish", arguments: '{"description":"d"}' } }))[0]).toMatchObject({
      name: "finish",
      input: '{"description":"d"}'
    })
  })

  it("leaves prose, unknown tools and broken JSON alone", () => {
    expect(toolCallsFromText("I think the learning rate is too low.")).toEqual([])
    expect(toolCallsFromText(JSON.stringify({ name: "rm", arguments: { path: "/" } }))).toEqual([])
    expect(toolCallsFromText('{"name": "replace", "arguments": {"path": ')).toEqual([])
  })
})

describe("prices", () => {
  const table = { "gpt-5": { inputPerMTok: 1.25, outputPerMTok: 10 }, "claude-opus-4": { inputPerMTok: 15, outputPerMTok: 75 } }
  it("price an exact name and its dated snapshots, never a different model that shares a prefix", () => {
    expect(priceFor(table, "gpt-5")?.inputPerMTok).toBe(1.25)
    expect(priceFor(table, "gpt-5-2025-08-07")?.inputPerMTok).toBe(1.25)
    expect(priceFor(table, "claude-opus-4-20250514")?.inputPerMTok).toBe(15)
    expect(priceFor(table, "gpt-5.4")).toBeUndefined()
    expect(priceFor(table, "claude-opus-4-8")).toBeUndefined()
  })
})
