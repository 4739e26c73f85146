// The reference's pre-tokenization split pattern, in two dialects that split text identically.

/**
 * The reference pattern (GPT-4 style with `\p{N}{1,2}`), as given to tiktoken, whose Rust
 * regex engine supports `(?i:…)` and possessive quantifiers.
 */
export const SPLIT_PATTERN =
  "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,2}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"

// Rust's `\s` is Unicode White_Space; JavaScript's `\s` adds U+FEFF and lacks U+0085, so
// the JavaScript pattern spells the Rust class out.
const WS = "\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"

/**
 * The same split as a JavaScript RegExp, used to train the tokenizer. Two rewrites:
 * - `(?i:[sdmt]|ll|ve|re)` (no inline flags in Node 20) becomes explicit case classes with
 *   Unicode simple case folding, so `ſ` (U+017F) matches like `s`, as in Rust.
 * - the possessive `?+` and `++` become greedy `?` and `+`. This changes no match: in
 *   `[^\r\n\p{L}\p{N}]?+\p{L}+` the optional character is never a letter, so giving it back
 *   could never let `\p{L}+` match; in ` ?[^\s\p{L}\p{N}]++[\r\n]*` the tail `[\r\n]*` always
 *   succeeds (it may match nothing), so the engine never backtracks into the run before it.
 */
export const splitRegex = (): RegExp =>
  new RegExp(
    `'(?:[sdmtSDMT\\u017f]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,2}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*|[${WS}]*[\\r\\n]|[${WS}]+(?![^${WS}])|[${WS}]+`,
    "gu"
  )
