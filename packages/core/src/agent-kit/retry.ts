// Retries of provider calls: exponential back-off, but a server's `retry-after` wins, because
// retrying a rate limit before the server allows it only earns another 429.
import { Duration, Effect, Schema } from "effect"

/** How often and how long a provider call is retried. */
export const RetryPolicy = Schema.Struct({
  /** Retries after the first attempt. */
  maxRetries: Schema.Int.pipe(Schema.nonNegative()),
  /** The first back-off; it doubles per retry. */
  initialDelayMs: Schema.Number.pipe(Schema.nonNegative()),
  /** No back-off is longer; a `retry-after` beyond it fails at once instead of stalling the run. */
  maxDelayMs: Schema.Number.pipe(Schema.nonNegative())
})
/** How often and how long a provider call is retried (see the `RetryPolicy` Schema). */
export type RetryPolicy = typeof RetryPolicy.Type

/** 4 retries, from 1 s doubling up to 2 minutes. */
export const defaultRetryPolicy: RetryPolicy = { maxRetries: 4, initialDelayMs: 1_000, maxDelayMs: 120_000 }

/** Whether a failed call is worth retrying, and after how long the server asked to wait. */
export type RetryVerdict =
  | { readonly retryable: false }
  | { readonly retryable: true; readonly retryAfterMs?: number }

type HeaderSource = { get(name: string): string | null } | Record<string, string | undefined> | undefined | null

const header = (headers: HeaderSource, name: string): string | undefined => {
  if (headers === undefined || headers === null) return undefined
  if (typeof (headers as { get?: unknown }).get === "function") return (headers as { get(name: string): string | null }).get(name) ?? undefined
  return (headers as Record<string, string | undefined>)[name]
}

/** The wait a server asked for: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export const retryAfterMs = (headers: HeaderSource, now: number = Date.now()): number | undefined => {
  const millis = Number.parseFloat(header(headers, "retry-after-ms") ?? "")
  if (Number.isFinite(millis) && millis >= 0) return millis
  const value = header(headers, "retry-after")
  if (value === undefined) return undefined
  const seconds = Number(value.trim())
  if (value.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined
}

/** Whether an HTTP status is worth retrying: rate limits, timeouts, conflicts and server errors. */
export const isRetryableStatus = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500

/**
 * Runs `attempt`, retrying failures `classify` calls retryable. `describe` names a failure for
 * the log line (it must never include credentials).
 */
export const withRetries = <A, E, R>(
  attempt: Effect.Effect<A, E, R>,
  options: {
    readonly policy: RetryPolicy
    readonly classify: (error: E) => RetryVerdict
    readonly describe: (error: E) => string
    readonly label: string
  }
): Effect.Effect<A, E, R> => {
  const loop = (retry: number): Effect.Effect<A, E, R> =>
    Effect.catchAll(attempt, (error) => {
      const verdict = options.classify(error)
      if (!verdict.retryable || retry >= options.policy.maxRetries) return Effect.fail(error)
      const backoff = Math.min(options.policy.initialDelayMs * 2 ** retry, options.policy.maxDelayMs) * (0.8 + 0.2 * Math.random())
      const delay = verdict.retryAfterMs ?? backoff
      if (delay > options.policy.maxDelayMs) return Effect.fail(error)
      return Effect.logWarning(
        `${options.label}: ${options.describe(error)}; retry ${retry + 1} of ${options.policy.maxRetries} in ${(delay / 1000).toFixed(1)} s` +
          (verdict.retryAfterMs !== undefined ? " (as the server's retry-after asks)" : "")
      ).pipe(Effect.zipRight(Effect.sleep(Duration.millis(delay))), Effect.zipRight(loop(retry + 1)))
    })
  return loop(0)
}
