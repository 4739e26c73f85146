#!/usr/bin/env bash
# Cross-compiles the built-in GEMM with gemm_check.c for arm64 and runs it under qemu-aarch64,
# which exercises the NEON micro-kernel (and the portable one) on an x86 machine.
# Needs: apt install gcc-aarch64-linux-gnu qemu-user
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
native="$here/../../src/native"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
aarch64-linux-gnu-gcc -O3 -std=gnu11 -Wall -static -pthread -I"$native" "$here/gemm_check.c" \
  "$native/gemm_builtin.c" "$native"/gemm_kernels_*.c "$native/threads.c" -lm -o "$out/gemm_check"
AUTORESEARCH_THREADS=2 qemu-aarch64 "$out/gemm_check"
