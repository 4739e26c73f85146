// Entry point of the `autoresearch` binary (bin/autoresearch.js imports the built copy).
import { main } from "./main.js"

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env })
process.exitCode = code
