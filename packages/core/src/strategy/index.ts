export { bestFirst, type BestFirstOptions, greedy, nodesOf, type SearchNode, type Strategy } from "./strategy.js"
