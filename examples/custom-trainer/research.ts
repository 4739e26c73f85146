// Usage: tsx research.ts [dir]   (default /tmp/autoresearch-python)
import { createPythonWorkspace, pythonResearch } from "./python-research.js"

const dir = createPythonWorkspace(process.argv[2] ?? "/tmp/autoresearch-python")
const summary = await pythonResearch(dir, {
  onEvent: (event) => {
    if (event._tag === "ExperimentFinished") console.log(`#${event.record.id} ${event.record.status} ${event.record.description} ${event.record.metrics?.valBpb.toFixed(6) ?? ""}`)
  }
})
console.log(`best val_bpb ${summary.bestBpb?.toFixed(6)} (baseline ${summary.baselineBpb?.toFixed(6)}); results in ${dir}/runs/python`)
