// Saves the conversation behind each proposal beside the run's records, with every secret
// the agent holds replaced, so a transcript can be shared without leaking a key.
import { Effect, Redacted } from "effect"
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"

/** Replaces every occurrence of each secret's value in `text`. */
export const redactSecrets = (text: string, secrets: ReadonlyArray<Redacted.Redacted<string>>): string =>
  secrets.reduce((out, secret) => {
    const value = Redacted.value(secret)
    return value.length === 0 ? out : out.split(value).join("<redacted>")
  }, text)

/**
 * Writes `transcript` as JSON to `<dir>/<experimentId>.json` (`<id>.2.json`, ... when the
 * experiment asked the agent more than once). Returns the path, or undefined when it could
 * not be written: a lost transcript is logged, it never fails the proposal.
 */
export const saveTranscript = (
  dir: string | undefined,
  experimentId: number,
  transcript: unknown,
  secrets: ReadonlyArray<Redacted.Redacted<string>>
): Effect.Effect<string | undefined> => {
  if (dir === undefined) return Effect.succeed(undefined)
  const text = redactSecrets(JSON.stringify(transcript, null, 2), secrets) + "\n"
  return Effect.tryPromise(async () => {
    await mkdir(dir, { recursive: true })
    for (let attempt = 1; ; attempt++) {
      const path = join(dir, attempt === 1 ? `${experimentId}.json` : `${experimentId}.${attempt}.json`)
      try {
        await writeFile(path, text, { flag: "wx" })
        return path
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      }
    }
  }).pipe(
    Effect.catchAll((error) =>
      Effect.as(Effect.logWarning(`could not save the transcript of experiment ${experimentId} in ${dir}: ${String(error.error)}`), undefined)
    )
  )
}
