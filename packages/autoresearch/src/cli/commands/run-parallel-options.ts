// `autoresearch run --parallel N [--db url --remote git-url]`: the flags, checked together.
import { redactUrl } from "@autoresearch/distributed"
import { UserError } from "../../user-error.js"
import { ExitCode, type OptionValues } from "../command.js"
import { numberOption, stringOption } from "../values.js"

const usage = (message: string) => new UserError(message, "see `autoresearch run --help` and docs/distributed.md", ExitCode.usage)

/** undefined for the ordinary sequential loop. */
export const parallelOptions = (values: OptionValues, env: NodeJS.ProcessEnv): { parallel: number; db?: string; remote?: string } | undefined => {
  const parallel = numberOption(values, "parallel", "run", { integer: true, positive: true })
  const remote = stringOption(values, "remote")
  const db = stringOption(values, "db") ?? (remote !== undefined ? env.AUTORESEARCH_DB : undefined)
  if (db === undefined && remote === undefined) return parallel === undefined ? undefined : { parallel }
  if (db === undefined || db === "") throw usage("--remote needs --db <postgres-url> (or AUTORESEARCH_DB): the workers find their jobs in the database")
  if (!/^postgres(ql)?:\/\//.test(db)) throw usage(`--db must be a postgres:// URL (got ${redactUrl(db)})`)
  if (remote === undefined || remote === "") throw usage("--db needs --remote <git-url>: the workers fetch each experiment's commit from it")
  return { parallel: parallel ?? 1, db, remote }
}
