#!/usr/bin/env bash
# When each consistency mode wins: synchronous, bounded staleness (--async) and local SGD
# (--local-steps), with 2 worker processes, on three workloads:
#   1. dense 400,000 × 100, no stragglers;
#   2. the same with transient stragglers (every worker pauses 20 ms before 10% of its answers);
#   3. sparse 200,000 × 100,000 (20 nonzeros a row): communication-bound.
# Prints one line per run: objective, fit seconds, reduce rounds, seconds waiting on workers.
# Usage: benchmarks/distributed-modes.sh [SCRATCH_DIR]   (needs a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/shardtrain
scratch=${1:-$(mktemp -d)}
mkdir -p "$scratch"
[ -f "$scratch/d400k.npy" ] || $bin datasets synth --kind logistic --rows 400000 --features 100 --seed 7 --output "$scratch/d400k.npy" >/dev/null
[ -f "$scratch/s100k.svm" ] || $bin datasets synth --kind logistic --rows 200000 --features 100000 --nnz-per-row 20 --seed 5 --output "$scratch/s100k.svm" >/dev/null

run() {
    local label=$1; shift
    for mode in "sync" "--async --staleness 4" "--local-steps 4"; do
        local flags=$mode
        [ "$mode" = sync ] && flags=""
        # shellcheck disable=SC2086
        $bin train --model logistic --workers 2 --quiet --json --output "$scratch/model" "$@" $flags 2>/dev/null | tail -1 |
            python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(f'$label | $mode | {d[\"objective\"]:.2f} | {d[\"train_seconds\"]:.3f} | {d[\"reduce_rounds\"]} | {d[\"wait_seconds\"]:.3f}')"
    done
}

echo "workload | mode | objective | fit s | rounds | waiting s"
dense=(--data "$scratch/d400k.npy" --labels "$scratch/d400k.labels.npy" --optimizer adam --epochs 2 --batch-size 4000)
run "dense, steady" "${dense[@]}"
run "dense, 10% pauses of 20 ms" "${dense[@]}" --jitter 0.02
run "sparse 100k features" --data "$scratch/s100k.svm" --features 100000 --optimizer sgd --epochs 2 --batch-size 1000
