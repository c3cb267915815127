#!/usr/bin/env bash
# Regenerates the scaling reports in docs/scaling/: the same L-BFGS training with 1, 2 and 4
# worker processes on a dense synthetic set (1,000,000 × 100) and a sparse one (500,000 ×
# 100,000, 40 nonzeros a row), each as Markdown, SVG and JSON; then docs/benchmarks.md. Worker
# counts above this machine's cores are run and labelled oversubscribed.
# Usage: benchmarks/scaling.sh [WORKER_COUNTS]
# (builds a release binary in .build/bench, apart from the test build in .build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=${1:-1,2,4}
bin=${SHARDTRAIN:-}
if [ -z "$bin" ]; then
    swift build -c release --product shardtrain --scratch-path .build/bench >/dev/null
    bin=.build/bench/release/shardtrain
fi
mkdir -p docs/scaling
run() {
    local name=$1; shift
    "$bin" bench scaling "$@" --workers "$counts" --report "docs/scaling/$name.md" --plot "docs/scaling/$name.svg" --json \
        | tail -n 1 >"docs/scaling/$name.json.tmp"
    mv "docs/scaling/$name.json.tmp" "docs/scaling/$name.json"
}
run dense-1m-x-100 --synth 1000000x100 --max-iterations 30
run sparse-500k-x-100k --synth 500000x100000:40 --max-iterations 20
echo "wrote docs/scaling/dense-1m-x-100.{md,svg,json} and docs/scaling/sparse-500k-x-100k.{md,svg,json}"
python3 benchmarks/report.py
