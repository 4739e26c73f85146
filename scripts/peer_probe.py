#!/usr/bin/env python3
"""PyTorch peer of the probe model (docs/performance.md): trains it on random tokens and prints
tokens/s, so our TensorFlow.js trainer can be compared on the same machine.

Model: vocab 8192, seq 256, batch 8, width 256, 4 layers, 4 heads, learned positions, ReLU^2 MLP (4x), RMSNorm
without weights, untied lm_head, logit soft-cap 15*tanh(x/15), full causal attention with an
additive mask, AdamW (0.9, 0.95, weight decay 0.1): 7.41 M parameters, ~71 GFLOP per step.

usage: python3 scripts/peer_probe.py [--steps N] [--warmup N] [--threads N] [--json]
With --json the last line is one JSON object: {"tokensPerSec", "stepSeconds", "cpuSecondsPerStep"
(CPU time of all the process's threads), "threads", ...}.
"""
import argparse
import json
import math
import os
import sys
import time


def requested_threads(argv):
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return None


# torch.set_num_threads sets its own pool only; the BLAS it links (Debian's: OpenBLAS) starts
# its threads at import, one per core unless told: the same count for both, before the import.
if requested_threads(sys.argv[1:]) not in (None, "0"):
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = requested_threads(sys.argv[1:])

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit("peer_probe: PyTorch is not installed for this python3 (Debian: apt install python3-torch)")

VOCAB, SEQ, BATCH, WIDTH, LAYERS, HEADS, SOFT_CAP = 8192, 256, 8, 256, 4, 4, 15.0


def rms_norm(x):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(WIDTH, 3 * WIDTH, bias=False)
        self.proj = torch.nn.Linear(WIDTH, WIDTH, bias=False)
        self.fc = torch.nn.Linear(WIDTH, 4 * WIDTH, bias=False)
        self.down = torch.nn.Linear(4 * WIDTH, WIDTH, bias=False)

    def forward(self, x, mask):
        b, t, c = x.shape
        head_dim = c // HEADS
        q, k, v = self.qkv(rms_norm(x)).view(b, t, 3, HEADS, head_dim).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(head_dim) + mask
        y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.proj(y)
        return x + self.down(F.relu(self.fc(rms_norm(x))).square())


class Probe(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, WIDTH)
        self.positions = torch.nn.Parameter(torch.randn(SEQ, WIDTH) * 0.02)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(LAYERS))
        self.head = torch.nn.Linear(WIDTH, VOCAB, bias=False)
        self.register_buffer("mask", torch.full((SEQ, SEQ), float("-inf")).triu(1))

    def forward(self, inputs, targets):
        x = self.embed(inputs) + self.positions
        for block in self.blocks:
            x = block(x, self.mask)
        logits = self.head(rms_norm(x))
        logits = SOFT_CAP * torch.tanh(logits / SOFT_CAP)
        return F.cross_entropy(logits.view(-1, VOCAB), targets.view(-1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: PyTorch's default)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Probe()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    inputs = torch.randint(0, VOCAB, (BATCH, SEQ))
    targets = torch.randint(0, VOCAB, (BATCH, SEQ))

    def step():
        loss = model(inputs, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    cpu_start = time.process_time()
    for _ in range(args.steps):
        loss = step()
    seconds = (time.perf_counter() - start) / args.steps
    cpu_seconds = (time.process_time() - cpu_start) / args.steps
    result = {
        "engine": f"pytorch {torch.__version__}",
        "threads": torch.get_num_threads(),
        "parameters": sum(p.numel() for p in model.parameters()),
        "tokensPerStep": BATCH * SEQ,
        "stepSeconds": seconds,
        "cpuSecondsPerStep": cpu_seconds,
        "tokensPerSec": BATCH * SEQ / seconds,
        "loss": loss,
    }
    print(f"PyTorch {torch.__version__} ({result['threads']} thread(s)): {result['tokensPerSec']:.0f} tokens/s, "
          f"{seconds * 1000:.0f} ms/step over {args.steps} steps, {result['parameters'] / 1e6:.2f} M parameters")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
