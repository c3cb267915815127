#!/usr/bin/env bash
# A new user's first command — `shardtrain train` with no tuning flags — against liblinear-train
# on the same file, end to end (process start, parsing, profile, training, writing the model), with
# the test accuracy of both and of the exact optimum. See defaults_vs_liblinear.py. Writes
# docs/defaults.json and regenerates docs/benchmarks.md.
# Usage: benchmarks/defaults-vs-liblinear.sh [REPEATS] [DATASETS]   (defaults: 5, a9a,w8a,wide)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-5} datasets=${2:-a9a,w8a,wide}
command -v liblinear-train >/dev/null || { echo "needs liblinear-train (apt-get install liblinear-tools)" >&2; exit 1; }
# SHARDTRAIN_BIN: a shardtrain binary already built (else a release build here).
bin=${SHARDTRAIN_BIN:-}
if [ -z "$bin" ]; then
    swift build -c release --product shardtrain >/dev/null
    bin=.build/release/shardtrain
fi
scratch="${SCRATCH:-$(mktemp -d)}"
python3 benchmarks/defaults_vs_liblinear.py --shardtrain "$bin" --scratch "$scratch" --repeats "$repeats" \
    --datasets "$datasets" --json-out docs/defaults.json
python3 benchmarks/report.py
