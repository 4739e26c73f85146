// Where every LLM adapter reads its key and endpoint: the Effect configuration, which is the
// process environment by default and runResearch's `env` (or any layerConfig) when given. Keys
// are held Redacted from the moment they are read.
import { Config, Effect, Option, Redacted } from "effect"
import { ConfigError } from "../errors.js"

/** A setting by name; blank counts as unset. */
export const readSetting = (name: string): Effect.Effect<Option.Option<string>> =>
  Config.option(Config.string(name)).pipe(
    Effect.orElseSucceed(() => Option.none<string>()),
    Effect.map(Option.filter((value) => value.trim() !== ""))
  )

/** Where `loadApiKey` looks for a provider's key: code first, then the environment variable. */
export interface ApiKeyRequest {
  /** A key passed in code; it wins over the environment. */
  readonly configured: Redacted.Redacted<string> | undefined
  /** The variable to read otherwise, e.g. ANTHROPIC_API_KEY. */
  readonly variable: string
  /** Names the provider in the error: "Anthropic". */
  readonly provider: string
  /** How to fix a missing key. */
  readonly hint: string
}

/** The key as given, else from `variable`; undefined when neither is set. */
export const findApiKey = (request: Omit<ApiKeyRequest, "provider" | "hint">): Effect.Effect<Redacted.Redacted<string> | undefined> =>
  request.configured !== undefined
    ? Effect.succeed(request.configured)
    : Effect.map(readSetting(request.variable), (value) => Option.getOrUndefined(Option.map(value, Redacted.make)))

/** The key as given, else from `variable`; a ConfigError naming both when neither is set. */
export const loadApiKey = (request: ApiKeyRequest): Effect.Effect<Redacted.Redacted<string>, ConfigError> =>
  Effect.flatMap(findApiKey(request), (key) =>
    key !== undefined ? Effect.succeed(key) : Effect.fail(new ConfigError({ message: `no ${request.provider} API key`, hint: request.hint }))
  )
