export { bestFirst, type BestFirstOptions, greedy, isNewBest, lineageOf, nodesOf, type SearchNode, type Strategy, strategyNamed } from "./strategy.js"
