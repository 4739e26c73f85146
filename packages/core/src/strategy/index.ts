export { bestFirst, type BestFirstOptions, greedy, isNewBest, lineageOf, nodesOf, type SearchNode, type Strategy, strategyNamed } from "./strategy.js"
export { islandBase, islandBests, islandOf, type IslandOptions } from "./islands.js"
