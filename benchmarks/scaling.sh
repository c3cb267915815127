#!/usr/bin/env bash
# Regenerates the scaling reports in docs/scaling/: the same L-BFGS training with 1, 2 and 4
# worker processes on a dense synthetic set (1,000,000 × 100) and a sparse one (500,000 ×
# 100,000, 40 nonzeros a row), each as Markdown and SVG. Worker counts above this machine's
# cores are run and labelled oversubscribed.
# Usage: benchmarks/scaling.sh [WORKER_COUNTS]   (builds the release binary if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=${1:-1,2,4}
swift build -c release --product shardtrain >/dev/null
bin=.build/release/shardtrain
mkdir -p docs/scaling
$bin bench scaling --synth 1000000x100 --workers "$counts" --max-iterations 30 \
    --report docs/scaling/dense-1m-x-100.md --plot docs/scaling/dense-1m-x-100.svg >/dev/null
$bin bench scaling --synth 500000x100000:40 --workers "$counts" --max-iterations 20 \
    --report docs/scaling/sparse-500k-x-100k.md --plot docs/scaling/sparse-500k-x-100k.svg >/dev/null
echo "wrote docs/scaling/dense-1m-x-100.{md,svg} and docs/scaling/sparse-500k-x-100k.{md,svg}"
