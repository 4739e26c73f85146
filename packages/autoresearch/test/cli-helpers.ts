// Runs the CLI in-process with captured output (the same main() the binary calls).
import { Writable } from "node:stream"
import { main } from "../src/cli/main.js"

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const capture = () => {
  const chunks: Array<string> = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    }
  })
  return { stream, text: () => chunks.join("") }
}

export const cli = async (argv: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> => {
  const out = capture()
  const err = capture()
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, cwd, env })
  return { code, stdout: out.text(), stderr: err.text() }
}
