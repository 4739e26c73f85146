# A tiny canvas in Python: a character n-gram language model with add-k smoothing, trained on
# a built-in text and scored in bits per byte on held-out text. It prints the reference's
# summary block, which is all CommandTrainer needs. The agent may change the constants below.
import math
import os
import resource
import time

ORDER = 2  # characters of context
SMOOTHING = 1.0  # add-k smoothing of the counts

TEXT = """It was the best of times, it was the worst of times, it was the age of wisdom, it was the
age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the
season of Light, it was the season of Darkness, it was the spring of hope, it was the winter
of despair, we had everything before us, we had nothing before us, we were all going direct
to Heaven, we were all going direct the other way. There were a king with a large jaw and a
queen with a plain face, on the throne of England; there were a king with a large jaw and a
queen with a fair face, on the throne of France. In both countries it was clearer than
crystal to the lords of the State preserves of loaves and fishes, that things in general
were settled for ever. It was the year of Our Lord one thousand seven hundred and
seventy-five. Spiritual revelations were conceded to England at that favoured period."""

start = time.time()
budget = float(os.environ.get("AUTORESEARCH_BUDGET_SECONDS", "5"))
split = int(len(TEXT) * 0.8)
train, val = TEXT[:split], TEXT[split:]
alphabet = sorted(set(TEXT))

counts = {}
for i in range(ORDER, len(train)):
    context = train[i - ORDER : i]
    counts.setdefault(context, {}).setdefault(train[i], 0)
    counts[context][train[i]] += 1
training_seconds = time.time() - start

nats = 0.0
for i in range(ORDER, len(val)):
    seen = counts.get(val[i - ORDER : i], {})
    total = sum(seen.values()) + SMOOTHING * len(alphabet)
    nats -= math.log((seen.get(val[i], 0) + SMOOTHING) / total)
val_bytes = len(val[ORDER:].encode("utf-8"))
val_bpb = nats / (math.log(2) * val_bytes)

print("---")
print(f"val_bpb:          {val_bpb:.6f}")
print(f"training_seconds: {training_seconds:.1f}")
print(f"total_seconds:    {time.time() - start:.1f}")
print(f"peak_vram_mb:     {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
print(f"mfu_percent:      0.00")
print(f"total_tokens_M:   {len(train) / 1e6:.1f}")
print(f"num_steps:        1")
print(f"num_params_M:     {sum(len(v) for v in counts.values()) / 1e6:.1f}")
print(f"depth:            {ORDER}")
