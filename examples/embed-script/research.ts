// Usage: autoresearch init ~/research && autoresearch prepare -C ~/research
//        tsx research.ts ~/research
import { researchNight } from "./night.js"

const summary = await researchNight(process.argv[2] ?? ".")
console.log(
  `${summary.experiments} experiments, ${summary.kept} kept: val_bpb ${summary.baselineBpb?.toFixed(6) ?? "-"} → ${summary.bestBpb?.toFixed(6) ?? "-"} (${summary.stopReason})`
)
