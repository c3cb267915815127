#!/usr/bin/env bash
# The reduce step of full-batch L-BFGS with 2 workers on 100,000 sparse features
# (200,000 rows, 20 nonzeros a row): per round, the median worker compute time, the time from
# publishing to the slowest reply, and the time summing the pushes, from --metrics-out.
# Usage: benchmarks/reduce-cost.sh [SCRATCH_DIR] [WORKERS]   (needs a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/shardtrain
scratch=${1:-$(mktemp -d)}
workers=${2:-2}
mkdir -p "$scratch"
[ -f "$scratch/s100k.svm" ] || $bin datasets synth --kind logistic --rows 200000 --features 100000 --nnz-per-row 20 --seed 5 --output "$scratch/s100k.svm" >/dev/null
for run in 1 2 3; do
    $bin train --model logistic --data "$scratch/s100k.svm" --features 100000 --workers "$workers" --max-iterations 30 \
        --quiet --json --output "$scratch/model" --metrics-out "$scratch/rounds.jsonl" 2>/dev/null | tail -1 >"$scratch/result.json"
    python3 - "$scratch/rounds.jsonl" "$scratch/result.json" <<'PY'
import json, statistics, sys
rounds = [json.loads(line) for line in open(sys.argv[1])]
result = json.load(open(sys.argv[2]))
per_round = result["train_seconds"] / result["reduce_rounds"]
compute = statistics.median(max(w["compute_seconds"] for w in r["workers"]) for r in rounds)
reply = statistics.median(max(w["reply_seconds"] for w in r["workers"]) for r in rounds)
reduce = statistics.median(r["reduce_seconds"] for r in rounds)
print(f"round {per_round*1e3:.1f} ms | compute {compute*1e3:.1f} ms | transfer {(reply-compute)*1e3:.1f} ms "
      f"({(reply-compute)/per_round:.0%}) | sum {reduce*1e3:.2f} ms ({reduce/per_round:.1%}) | "
      f"transfer + sum {(reply-compute+reduce)/per_round:.0%} | received {result['bytes_received']/result['reduce_rounds']/1e3:.0f} kB/round")
PY
done
