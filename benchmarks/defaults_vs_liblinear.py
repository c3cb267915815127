#!/usr/bin/env python3
"""A new user's first command against liblinear-train, end to end.

For each dataset: the wall time of `shardtrain train --model logistic --data TRAIN --output M`
with no tuning flags (process start, parsing, the reference profile, training and writing the
model included) against `liblinear-train -s 0 -c 1 -B 1 -q TRAIN M` (the same objective, C = 1),
run alternately REPEATS times, medians compared in the same run. Test accuracy of both, and of
the exact optimum (`--optimizer lbfgs --tolerance 1e-9`), scored on held-out rows.

Usage: defaults_vs_liblinear.py --shardtrain BIN --scratch DIR [--repeats 5] [--datasets a9a,w8a,wide] [--json-out FILE]
Prints a Markdown table, then one JSON object per dataset; --json-out writes them all (for
benchmarks/report.py).
"""
import argparse, json, os, statistics, subprocess, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def split(source, train, test, every):
    """Every `every`-th non-empty row of `source` goes to `test`, the others to `train`."""
    with open(source) as rows, open(train, "w") as a, open(test, "w") as b:
        for i, line in enumerate(line for line in rows if line.strip()):
            (b if i % every == every - 1 else a).write(line.rstrip("\n") + "\n")


def prepare(name, scratch, shardtrain):
    data = os.path.join(ROOT, "datasets")
    if name == "a9a":
        return os.path.join(data, "a9a"), os.path.join(data, "a9a.t")
    train, test = os.path.join(scratch, name + ".train"), os.path.join(scratch, name + ".test")
    if not os.path.exists(test):
        if name == "w8a":  # the bundled file ends with an empty line, which liblinear-train refuses
            split(os.path.join(data, "w8a"), train, test, 5)
        elif name == "wide":  # the 200,000 × 1,000,000 set, plus 40,000 rows held out
            whole = os.path.join(scratch, "wide.all")
            subprocess.run([shardtrain, "datasets", "synth", "--kind", "logistic", "--rows", "240000", "--features",
                            "1000000", "--nnz-per-row", "30", "--seed", "3", "--output", whole], check=True,
                           stdout=subprocess.DEVNULL)
            split(whole, train, test, 6)
            os.remove(whole)
        else:
            raise SystemExit(f"unknown dataset {name}")
    return train, test


def wall(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def shardtrain_accuracy(shardtrain, model, test, features):
    out = subprocess.run([shardtrain, "evaluate", "--model", model, "--data", test, "--features", str(features), "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["accuracy"]


def liblinear_accuracy(model, test, scratch):
    out = subprocess.run(["liblinear-predict", test, model, os.path.join(scratch, "ll.out")], check=True,
                         capture_output=True, text=True).stdout
    return float(out.split("=")[1].split("%")[0]) / 100  # "Accuracy = 84.9764% (13835/16281)"


def features_of(model_json):
    return model_json["features"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardtrain", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--datasets", default="a9a,w8a,wide")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    os.makedirs(args.scratch, exist_ok=True)
    results = []
    for name in args.datasets.split(","):
        train, test = prepare(name, args.scratch, args.shardtrain)
        ours, theirs = os.path.join(args.scratch, "st.model"), os.path.join(args.scratch, "ll.model")
        st_command = [args.shardtrain, "train", "--model", "logistic", "--data", train, "--quiet", "--output", ours]
        ll_command = ["liblinear-train", "-s", "0", "-c", "1", "-B", "1", "-q", train, theirs]
        st_times, ll_times = [], []
        for _ in range(args.repeats):
            st_times.append(wall(st_command))
            ll_times.append(wall(ll_command))
        summary = json.loads(subprocess.run([args.shardtrain, "train", "--model", "logistic", "--data", train, "--quiet",
                                             "--json", "--output", ours], check=True, capture_output=True,
                                            text=True).stdout.strip().splitlines()[-1])
        features = summary["features"]
        exact = os.path.join(args.scratch, "exact.model")
        subprocess.run([args.shardtrain, "train", "--model", "logistic", "--data", train, "--optimizer", "lbfgs",
                        "--tolerance", "1e-9", "--max-iterations", "5000", "--no-profile", "--quiet", "--output", exact],
                       check=True)
        record = {
            "dataset": name, "rows": summary["rows"], "features": features,
            "shardtrain_wall": statistics.median(st_times), "liblinear_wall": statistics.median(ll_times),
            "shardtrain_passes": summary["passes"], "shardtrain_optimizer": summary["optimizer"],
            "shardtrain_accuracy": shardtrain_accuracy(args.shardtrain, ours, test, features),
            "liblinear_accuracy": liblinear_accuracy(theirs, test, args.scratch),
            "optimum_accuracy": shardtrain_accuracy(args.shardtrain, exact, test, features),
        }
        record["ratio"] = record["liblinear_wall"] / record["shardtrain_wall"]
        record["accuracy_gap_points"] = 100 * abs(record["shardtrain_accuracy"] - record["optimum_accuracy"])
        results.append(record)
    print("| data | rows × features | `train` (default) wall | liblinear-train wall | ratio | passes | test accuracy: default / optimum / LIBLINEAR | gap to optimum |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['dataset']} | {r['rows']:,} × {r['features']:,} | {r['shardtrain_wall']:.3f} s | {r['liblinear_wall']:.3f} s "
              f"| {r['ratio']:.2f}× | {r['shardtrain_passes']:.0f} | {r['shardtrain_accuracy']:.4f} / {r['optimum_accuracy']:.4f} / "
              f"{r['liblinear_accuracy']:.4f} | {r['accuracy_gap_points']:.3f} point |")
    for r in results:
        print(json.dumps(r))
    if args.json_out:
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
        with open(args.json_out + ".tmp", "w") as f:
            json.dump({"machine": f"{cpu}, {os.cpu_count()} cores", "repeats": args.repeats, "results": results}, f, indent=1)
        os.replace(args.json_out + ".tmp", args.json_out)


if __name__ == "__main__":
    main()
