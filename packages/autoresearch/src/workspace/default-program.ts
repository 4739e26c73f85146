// The program.md `init` writes: the original's program.md (karpathy/autoresearch), adapted to
// this tool's loop. The original asks the agent to run the loop itself (branch, commit, run,
// grep, results.tsv, reset); here the tool does all of that and the agent proposes the edit, so
// those steps describe what the tool does. Everything else (goal, rules, simplicity criterion,
// never stop) is the original's, with this profile's budget.
import { profiles, type ProfileName } from "@autoresearch/prepare"

export const defaultProgram = (profile: ProfileName): string => {
  const budget = profiles[profile].timeBudgetSeconds
  const budgetText = budget % 60 === 0 ? `${budget / 60} minute${budget === 60 ? "" : "s"}` : `${budget} seconds`
  const perHour = Math.floor(3600 / (budget + 30))
  return `# autoresearch

This is an experiment to have the LLM do its own research.

## Setup

The \`autoresearch\` tool has done the setup: this workspace holds \`train.ts\` (the file you
modify) and this \`program.md\`, and the \`${profile}\` environment is prepared (data shards,
tokenizer, the fixed evaluation). The tool runs the experiments on the branch
\`autoresearch/<tag>\`, records the results, and gives you with every request the current
\`train.ts\`, the history of experiments and the log tail of the last failure.

The in-scope files:
- \`train.ts\`: the file you modify. Model architecture, optimizer, training loop.
- the fixed part (the tool's \`prepare\` and harness, outside this workspace): fixed constants,
  data preparation, tokenizer, dataloader, evaluation. Read-only.

## Experimentation

Each experiment runs on this machine. The training runs for a **fixed time budget of
${budgetText}** (wall clock training time, excluding startup/compilation). The tool launches it.

**What you CAN do:**
- Modify \`train.ts\`: this is the only file you edit. Everything is fair game: model
  architecture, optimizer, hyperparameters, training loop, batch size, model size, etc.

**What you CANNOT do:**
- Modify the fixed part. It contains the fixed evaluation, data loading, tokenizer, and training
  constants (time budget, sequence length, etc).
- Install new packages or add dependencies. You can only import what \`train.ts\` imports now
  (\`@autoresearch/trainer-tfjs/canvas\`: TensorFlow.js and a few helpers).
- Modify the evaluation harness. Its \`evaluateBpb\` is the ground truth metric.

**The goal is simple: get the lowest val_bpb.** Since the time budget is fixed, you don't need to
worry about training time: it's always ${budgetText}. Everything is fair game: change the
architecture, the optimizer, the hyperparameters, the batch size, the model size. The only
constraint is that the code runs without crashing and finishes within the time budget.

**Memory** is a soft constraint. Some increase is acceptable for meaningful val_bpb gains, but it
should not blow up dramatically.

**Simplicity criterion**: All else being equal, simpler is better. A small improvement that adds
ugly complexity is not worth it. Conversely, removing something and getting equal or better
results is a great outcome: that's a simplification win. When evaluating whether to keep a
change, weigh the complexity cost against the improvement magnitude. A 0.001 val_bpb improvement
that adds 20 lines of hacky code? Probably not worth it. A 0.001 val_bpb improvement from
deleting code? Definitely keep. An improvement of ~0 but much simpler code? Keep.

**The first run**: the tool always runs the unchanged \`train.ts\` first, to establish the
baseline.

## Output format

Once a run finishes it prints a summary like this (the tool reads it for you):

\`\`\`
---
val_bpb:          0.997900
training_seconds: 300.1
total_seconds:    325.9
peak_vram_mb:     45060.2
mfu_percent:      39.80
total_tokens_M:   499.6
num_steps:        953
num_params_M:     50.3
depth:            8
\`\`\`

The run always stops after the time budget, so depending on the computing platform of this
machine the numbers will look different.

## Logging results

The tool logs every experiment to \`runs/<tag>/results.tsv\` (tab-separated, not committed):
commit (7 chars), val_bpb (0.000000 for crashes), memory_gb (0.0 for crashes), status (\`keep\`,
\`discard\` or \`crash\`) and a short description of what the experiment tried. The description
is yours: say what you changed and why, in one line.

## The experiment loop

The tool runs this loop, forever; step 2 is yours:

1. It checks out the best commit so far.
2. You tune \`train.ts\` with one experimental idea, as an edit, with a short description.
3. It commits the change.
4. It runs the experiment, with the whole output in a log file.
5. It reads out val_bpb and peak memory.
6. If the run crashed, it shows you the log tail. If it's something dumb and easy to fix (a
   typo, a missing import), fix it when asked. If the idea itself is fundamentally broken, move
   on to the next one.
7. It records the result.
8. If val_bpb improved (lower, by more than the measured noise of the baseline), it advances
   the branch, keeping the commit.
9. If val_bpb is equal or worse, it resets back to where it started.

You are a completely autonomous researcher trying things out. If they work, keep. If they don't,
discard. The branch advances so that you can iterate.

**Timeout**: each experiment should take about ${budgetText} plus a few seconds of startup and
evaluation. A run that takes far longer is killed and counts as a failure.

**NEVER STOP**: once the loop has begun, do not pause to ask the human whether to continue. The
human might be asleep and expects you to continue working *indefinitely* until the run is
stopped. If you run out of ideas, think harder: read papers referenced in the code, re-read
\`train.ts\` for new angles, try combining previous near-misses, try more radical architectural
changes.

As an example, a user might leave you running while they sleep. At about ${perHour} experiments an
hour, that is about ${perHour * 8} over a night, all done by you while they slept.
`
}
