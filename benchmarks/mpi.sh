#!/usr/bin/env bash
# The MPI backend against the socket backend: time per L-BFGS iteration on the dense synthetic
# 1,000,000 × 100 set with P = 2 and 3 workers (MPI: the server mode with P + 1 ranks, and the
# allreduce mode with P ranks), and the reduce step alone for 100 and 100,000 parameters.
# Writes docs/mpi.json and regenerates docs/benchmarks.md.
# Usage: benchmarks/mpi.sh   (needs OpenMPI: apt-get install libopenmpi-dev openmpi-bin)
# (builds a release binary with --traits MPI in .build/bench-mpi; SHARDTRAIN=BIN skips that)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v mpirun >/dev/null || { echo "needs mpirun (apt-get install openmpi-bin libopenmpi-dev)"; exit 1; }
bin=${SHARDTRAIN:-}
if [ -z "$bin" ]; then
    swift build -c release --product shardtrain --traits MPI --scratch-path .build/bench-mpi >/dev/null
    bin=.build/bench-mpi/release/shardtrain
fi
work=${SCRATCH:-$(mktemp -d)}
mpi() { OMPI_MCA_btl_vader_single_copy_mechanism=none mpirun --allow-run-as-root --oversubscribe -np "$@"; }
[ -f "$work/dense.svm" ] || "$bin" datasets synth --kind logistic --rows 1000000 --features 100 --seed 1 --output "$work/dense.svm"
common=(train --model logistic --data "$work/dense.svm" --max-iterations 20 --tolerance 0 --objective-tolerance 0 --quiet --json
        --no-profile --output "$work/m.model")
{
    for p in 2 3; do
        echo "socket $p $("$bin" "${common[@]}" --workers "$p" | tail -n 1)"
        echo "mpi-server $p $(mpi $((p + 1)) "$bin" "${common[@]}" --backend mpi --reduce server | tail -n 1)"
        echo "mpi-allreduce $p $(mpi "$p" "$bin" "${common[@]}" --backend mpi --reduce allreduce | tail -n 1)"
    done
    for mode in server allreduce; do
        mpi 3 "$bin" bench mpi-reduce --features 100,100000 --reduce "$mode" | sed "s/^/reduce $mode /"
    done
} >"$work/runs.txt"
python3 - "$work/runs.txt" docs/mpi.json <<'PY'
import json, os, sys
train, reduce = [], []
for line in open(sys.argv[1]):
    kind, rest = line.split(" ", 1)
    if kind == "reduce":
        reduce.append(json.loads(rest.split(" ", 1)[1]))
        continue
    workers, result = rest.split(" ", 1)
    r = json.loads(result)
    train.append({"backend": kind, "workers": int(workers), "iterations": r["iterations"], "passes": r["passes"],
                  "seconds": r["train_seconds"], "seconds_per_iteration": r["train_seconds"] / max(r["iterations"], 1),
                  "objective": r["objective"]})
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
json.dump({"machine": f"{cpu}, {os.cpu_count()} cores", "data": "synthetic 1,000,000 x 100 dense, logistic, 20 L-BFGS iterations",
           "train": train, "reduce": reduce}, open(sys.argv[2], "w"), indent=1)
print(open(sys.argv[2]).read())
PY
python3 benchmarks/report.py
