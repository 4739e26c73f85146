// Errors of the provider SDKs (Anthropic, OpenAI): both ship the same error hierarchy
// (APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError), so one retry
// verdict and one error text serve every adapter, given the SDK's classes.
import { Effect, ParseResult, Schema } from "effect"
import type { Redacted } from "effect"
import { AgentError, ConfigError, describeParseError } from "../errors.js"
import { isRetryableStatus, type RetryPolicy, type RetryVerdict, retryAfterMs, withRetries } from "./retry.js"
import { redactSecrets } from "./transcript.js"

/** A response that does not have the shape the provider's API promises. */
export class GarbageResponse {
  constructor(readonly detail: string) {}
}

/** What an SDK's APIError carries that the verdict reads. */
export interface SdkApiError {
  readonly status: number | undefined
  readonly headers: Parameters<typeof retryAfterMs>[0]
}

type ErrorClass<E> = abstract new (...args: Array<any>) => E

/** An SDK's error classes, e.g. `Anthropic` or `OpenAI` (they are static members of the client class). */
export interface SdkErrorClasses<E extends SdkApiError> {
  readonly APIError: ErrorClass<E>
  readonly APIConnectionError: ErrorClass<Error>
  readonly APIConnectionTimeoutError: ErrorClass<Error>
  readonly APIUserAbortError: ErrorClass<Error>
}

/** How `sdkErrorHandling` reads one provider SDK's errors. */
export interface SdkErrorOptions<E extends SdkApiError> {
  /** The API's own message in an error response, if it sent one. */
  readonly apiMessage: (error: E) => string | undefined
  /** Name connection failures as `connection failed (…)`, rather than by the SDK's message alone. */
  readonly describeConnectionFailures?: boolean
}

/** A provider SDK's errors classified (retryable or not) and said in one line. */
export interface SdkErrorHandling {
  /** Whether a failed call is worth retrying, and after how long the server asked us to wait. */
  readonly classify: (error: unknown) => RetryVerdict
  /** A failure in words, for logs and AgentErrors (never with credentials). */
  readonly describe: (error: unknown) => string
}

/** `classify` and `describe` for one SDK's errors, plus GarbageResponse and a body that is not JSON. */
export const sdkErrorHandling = <E extends SdkApiError>(sdk: SdkErrorClasses<E>, options: SdkErrorOptions<E>): SdkErrorHandling => {
  const classify = (error: unknown): RetryVerdict => {
    if (error instanceof sdk.APIUserAbortError) return { retryable: false }
    if (error instanceof sdk.APIConnectionError) return { retryable: true }
    if (error instanceof sdk.APIError && typeof error.status === "number") {
      if (!isRetryableStatus(error.status)) return { retryable: false }
      const wait = retryAfterMs(error.headers)
      return wait === undefined ? { retryable: true } : { retryable: true, retryAfterMs: wait }
    }
    // A body that is not JSON, or JSON of the wrong shape.
    return { retryable: error instanceof GarbageResponse || error instanceof SyntaxError }
  }

  const describe = (error: unknown): string => {
    if (error instanceof sdk.APIConnectionTimeoutError) return "request timed out"
    if (options.describeConnectionFailures && error instanceof sdk.APIConnectionError) return `connection failed (${error.message})`
    if (error instanceof sdk.APIError && typeof error.status === "number") {
      const detail = options.apiMessage(error)
      return `HTTP ${error.status}${detail !== undefined ? ` (${detail})` : ""}`
    }
    if (error instanceof GarbageResponse) return `unexpected response: ${error.detail}`
    return error instanceof Error ? error.message : String(error)
  }

  return { classify, describe }
}

/** The client options every adapter gives its SDK: retries are ours (withRetries), and the SDK logs nothing. */
export const sdkClientOptions = (timeoutMs: number) =>
  ({
    timeout: timeoutMs,
    // Retries are ours (withRetries): one policy for every provider, honouring retry-after.
    maxRetries: 0,
    logLevel: "off"
  }) as const

/**
 * One SDK request as an Effect: aborted when the fiber is interrupted or `signal` (the
 * proposal's) aborts; it fails with whatever the SDK threw, for `classify` to judge.
 */
export const sdkCall = <A>(request: (signal: AbortSignal) => PromiseLike<A>, signal: AbortSignal | undefined): Effect.Effect<A, unknown> =>
  Effect.tryPromise({
    try: (interrupt) => request(signal ? AbortSignal.any([signal, interrupt]) : interrupt),
    catch: (error) => error
  })

/** Decodes a raw SDK response to the parts we use; anything else fails as a GarbageResponse. */
export const decodeOrGarbage = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (raw: unknown): Effect.Effect<A, GarbageResponse> =>
    Effect.mapError(decode(raw), (error) => new GarbageResponse(ParseResult.TreeFormatter.formatErrorSync(error)))
}

/**
 * One model call under `withRetries`, its final failure as an AgentError named `label: …`
 * with the secrets redacted.
 */
export const withSdkRetries = <A, R>(
  attempt: Effect.Effect<A, unknown, R>,
  options: {
    readonly policy: RetryPolicy
    readonly errors: SdkErrorHandling
    readonly label: string
    readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  }
): Effect.Effect<A, AgentError, R> => {
  const { classify, describe } = options.errors
  return withRetries(attempt, { policy: options.policy, classify, describe, label: options.label }).pipe(
    Effect.mapError(
      (error) =>
        new AgentError({ message: redactSecrets(`${options.label}: ${describe(error)}`, options.secrets), retryable: classify(error).retryable })
    )
  )
}

/** Decodes an adapter's plain configuration object, refusing unknown keys, as a ConfigError naming `adapter`. */
export const decodeAgentConfig = <A, I>(schema: Schema.Schema<A, I>, adapter: string, input: unknown): Effect.Effect<A, ConfigError> =>
  Schema.decodeUnknown(schema)(input, { onExcessProperty: "error" }).pipe(
    Effect.mapError(
      (error) => new ConfigError({ message: `invalid ${adapter} configuration: ${describeParseError(error)}` })
    )
  )
