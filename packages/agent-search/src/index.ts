export { SearchAgent, SearchAgentConfig, type SearchAgentConfigInput } from "./search-agent.js"
export { nextProposal, parseChange, type SearchOptions, type SearchProposal, type SearchResult } from "./search.js"
export { parseParameters, type Parameter, type ParamValue } from "./parameters.js"
export { inferDivisibility, type Divisibility } from "./constraints.js"
