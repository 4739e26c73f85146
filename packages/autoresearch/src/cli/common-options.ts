import { resolve } from "node:path"
import type { Io, OptionValues } from "./command.js"
import { stringOption } from "./values.js"

/** The workspace a command works on: --dir, else the current directory. */
export const workspaceDir = (values: OptionValues, io: Io) => resolve(io.cwd, stringOption(values, "dir") ?? ".")
