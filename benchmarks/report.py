#!/usr/bin/env python3
"""Writes docs/benchmarks.md from the measurements the benchmark scripts leave in docs/:
scaling/*.json (benchmarks/scaling.sh), microbenchmarks.json (benchmarks/microbenchmarks.sh),
peers.json (Scripts/compare-peers), defaults.json (benchmarks/defaults-vs-liblinear.sh), serving.json
(benchmarks/serve-load.sh) and mpi.json
(benchmarks/mpi.sh). Every number and every verdict on the page is computed
here from those files; each script runs this after measuring, so the page is never edited by
hand. The machine described is the one that runs this (the one that measured).

Usage: benchmarks/report.py [--docs docs]
"""
import argparse, glob, json, math, os, platform, re, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare_peers import standing, total  # noqa: E402  (the verdict is the peers report's own)


def machine():
    """The machine in one paragraph: CPU, vector extensions, cores, memory, OS, OpenBLAS."""
    info = {}
    try:
        for line in open("/proc/cpuinfo"):
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    flags = set(info.get("flags", "").split())
    vector = "AVX-512" if "avx512f" in flags else "AVX2+FMA" if {"avx2", "fma"} <= flags else "SSE only"
    memory = next((int(l.split()[1]) / 2**20 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0) \
        if os.path.exists("/proc/meminfo") else 0
    system = platform.platform()
    if os.path.exists("/etc/os-release"):
        fields = dict(l.rstrip().split("=", 1) for l in open("/etc/os-release") if "=" in l)
        system = fields.get("PRETTY_NAME", system).strip('"')
    blas = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libopenblas0-pthread"], capture_output=True, text=True)
    blas = f"OpenBLAS {blas.stdout.split('+')[0]}" if blas.returncode == 0 and blas.stdout else "OpenBLAS"
    return (f"{info.get('model name', platform.processor())}, {os.cpu_count()} cores ({vector}), "
            f"{memory:.0f} GiB of memory, {system}, {blas}, release builds")


def measured(docs, name):
    """The JSON a benchmark script left in docs/, or None when it has not run."""
    path = os.path.join(docs, name)
    return json.load(open(path)) if os.path.exists(path) else None


def missing(script):
    return [f"No results yet: run `{script}`.", ""]


def fmt(value, digits=3):
    return "—" if value is None else f"{value:.{digits}g}"


# ---------------------------------------------------------------- scaling

def cost_model(runs, cores):
    """Fits T(P) = max(C₁/P, F(P)) + P·c + S on the one-worker run and the measured floors; returns
    the fit, its check against every other measured count within the cores, and predictions
    for more cores (assuming a memory bus that keeps up, F(P) = F(1)/P)."""
    one = next((r for r in runs if r["workers"] == 1), None)
    if not one:
        return None
    c1, f1 = one["compute_per_pass"], one["floor_per_pass"]
    c, s = one["communication_per_pass"], one["reduce_per_pass"] + one["coordinator_per_pass"]
    model = lambda p, floor: max(c1 / p, floor) + p * c + s
    checks = [(r["workers"], model(r["workers"], r["floor_per_pass"]), r["seconds_per_pass"])
              for r in runs if 1 < r["workers"] <= cores]
    t1 = one["seconds_per_pass"]
    predictions = [(p, t1 / model(p, f1 / p)) for p in (4, 8, 16)]
    best = max(1, round(math.sqrt(c1 / c))) if c > 0 else None
    return {"c1": c1, "f1": f1, "c": c, "s": s, "checks": checks, "predictions": predictions, "best": best}


def scaling_section(docs):
    reports = sorted(glob.glob(os.path.join(docs, "scaling", "*.json")))
    lines = ["## Scaling across workers", "",
             "`shardtrain bench scaling` trains the same model from zero for the same number of iterations with",
             "each worker count (worker processes on one machine, Unix sockets) and splits a pass into compute,",
             "communication, reduce and the coordinator's own work, next to the stream-read floor measured in",
             "the same run. `benchmarks/scaling.sh` runs it on a dense and a sparse synthetic set.", ""]
    if not reports:
        return lines + missing("benchmarks/scaling.sh")
    model_rows = []
    for path in reports:
        report = json.load(open(path))
        name = os.path.splitext(os.path.basename(path))[0]
        runs, cores = report["runs"], report["cores"]
        lines += [f"### {report['dataset']}", "",
                  f"Full table: [{name}.md](scaling/{name}.md). ![speed-up and time per pass](scaling/{name}.svg)", "",
                  "| workers | s / pass | speed-up | efficiency | compute | communication | reduce + coordinator | floor |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in runs:
            label = f"{r['workers']} (oversubscribed)" if r["oversubscribed"] else str(r["workers"])
            lines.append(f"| {label} | {fmt(r['seconds_per_pass'], 4)} | {r['speedup']:.2f}× | {r['efficiency']:.2f} | "
                         f"{fmt(r['compute_per_pass'], 4)} | {fmt(r['communication_per_pass'], 3)} | "
                         f"{fmt(r['reduce_per_pass'] + r['coordinator_per_pass'], 3)} | {fmt(r['floor_per_pass'], 4)} |")
        lines.append("")
        one = next((r for r in runs if r["workers"] == 1), None)
        if one:
            lines.append(f"On one worker a pass takes {one['compute_per_pass'] / one['floor_per_pass']:.2f}× the time to stream "
                         "the same bytes from memory (the floor).")
        within = [r for r in runs if 1 < r["workers"] <= cores]
        if within:
            top = max(within, key=lambda r: r["workers"])
            lines.append(f"With {top['workers']} workers on {cores} cores: {top['speedup']:.2f}× (efficiency {top['efficiency']:.2f}); "
                         f"the floor itself falls only {runs[0]['floor_per_pass'] / top['floor_per_pass']:.2f}× with "
                         f"{min(top['workers'], cores)} reading threads.")
        over = [r for r in runs if r["oversubscribed"]]
        if over:
            lines.append("Oversubscribed counts share cores: they measure overhead, not scaling (" +
                         ", ".join(f"{r['workers']} workers {r['speedup']:.2f}×" for r in over) + ").")
        lines.append("")
        fit = cost_model(runs, cores)
        if fit:
            model_rows.append((report["dataset"], fit))
    if model_rows:
        lines += ["### The cost model beyond the cores", "",
                  "Per pass, `T(P) = max(C₁/P, F(P)) + P·c + S` (architecture.md, cost of one iteration): `C₁` the",
                  "one-worker compute, `F(P)` the stream-read floor with min(P, cores) threads, `c` the communication",
                  "per worker (the wait beyond compute at P = 1), `S` the server's reduce and optimizer work. Fitted on the",
                  "one-worker row and the measured floors, and checked against the other counts within the cores:", "",
                  "| set | C₁ | F(1) | c | S | P | predicted s / pass | measured | error |", "|---|---|---|---|---|---|---|---|---|"]
        for dataset, fit in model_rows:
            for p, predicted, measured in fit["checks"]:
                lines.append(f"| {dataset} | {fit['c1']:.4f} | {fit['f1']:.4f} | {fit['c']:.5f} | {fit['s']:.5f} | {p} | "
                             f"{predicted:.4f} | {measured:.4f} | {100 * (predicted - measured) / measured:+.0f} % |")
        lines += ["", "Beyond this machine's cores, for a machine whose cores are as fast and whose memory bus keeps up",
                  "(F(P) = F(1)/P), the same model predicts:", ""]
        for dataset, fit in model_rows:
            predicted = ", ".join(f"{speedup:.1f}× at P = {p}" for p, speedup in fit["predictions"])
            best = f"; P·c overtakes C₁/P near P = {fit['best']}" if fit["best"] else ""
            lines.append(f"- {dataset}: {predicted}{best}.")
        lines += ["", "The per-worker wait `c` (a round trip on a loaded machine's loopback sockets) is what limits",
                  "scaling in this model; it is measured at P = 1 and assumed to grow linearly, which a star topology",
                  "whose replies arrive in parallel should beat. A run on a machine with more cores replaces the",
                  "assumption with a measurement.", ""]
    return lines


# ---------------------------------------------------------------- microbenchmarks

def micro_section(docs):
    lines = ["## Microbenchmarks", "",
             "The hot loops, each next to a stream read of the same bytes in the same run (ordo-one/benchmark,",
             "one core): `benchmarks/microbenchmarks.sh` runs them, writes [microbenchmarks.md](microbenchmarks.md)",
             "and checks the thresholds committed in `benchmarks/Thresholds` (a 90th percentile more than 40 %",
             "above the recorded one fails).", ""]
    data = measured(docs, "microbenchmarks.json")
    if data is None:
        return lines + missing("benchmarks/microbenchmarks.sh")
    kernels = data["kernels"]
    lines += ["| kernel | median µs | stream read µs | ratio |", "|---|---|---|---|"]
    for k in kernels:
        lines.append(f"| {k['title']} | {k['median_us']:.0f} | {k['stream_us']:.0f} | {k['median_us'] / k['stream_us']:.2f}× |")
    lines += ["", "A ratio of 1 runs at the memory bandwidth."]
    dense = next((k for k in kernels if k["name"].startswith("dense_gradient")), None)
    if dense:
        ratio = dense["median_us"] / dense["stream_us"]
        lines[-1] += f" The core issue's target for the dense gradient on one core is 1.4× its stream read: {ratio:.2f}×, " + \
            ("met." if ratio <= 1.4 else "**not met** (float32 margins through BLAS, then a second pass for Xᵀr; a fused "
             "single-pass AVX2 kernel that reads each row once would reach it).")
    lines.append("")
    return lines


# ---------------------------------------------------------------- peers

def peers_section(docs):
    lines = ["## Side by side with the peers", "",
             "`Scripts/compare-peers` trains the same objective on the same rows with ShardTrain (1 and 2 workers),",
             "LIBLINEAR's command line, scikit-learn (`LogisticRegression` lbfgs and liblinear, `SGDClassifier`),",
             "Vowpal Wabbit (online, and `--bfgs`) and Spark MLlib (`local[2]`): L2-regularized logistic regression",
             "with λ = 1 (C = 1; Spark's `regParam` = λ/n), least squares for cal_housing. Load and fit are timed",
             "apart where the tool allows (LIBLINEAR's command line and Vowpal Wabbit only together; Spark's session",
             "start-up is not counted), each tool in its own process for its peak memory. Full tables, with passes,",
             "log-loss and R²: [peers.md](peers.md); chart: ![load + fit seconds](peers.svg).", "",
             "The bar on each dataset is the best peer's test accuracy less 0.1 point (its RMSE plus 1 % for",
             "regression). The peers run to their own default stopping rules. ShardTrain is measured two ways.",
             "*To the bar*: the first iteration whose test metric meets the bar, read from its learning curve",
             "(`train --trace`, scoring time left out): time to equal accuracy. The peers offer no such curve, so",
             "theirs are their full runs (LIBLINEAR's and scikit-learn's defaults already stop loosely). *Stopping",
             "rule set in advance*: the fastest ShardTrain run that meets the bar when it stops by itself, at the",
             "default rule of the build that measured (these figures predate Newton as the default: L-BFGS to a relative",
             "objective change of 1e-10, a tight rule; the first command now is the section after this one) or with `--tolerance 1e-3`",
             "(the `-loose` runs); this is what a user who cannot look at the test set gets.", ""]
    results = measured(docs, "peers.json")
    if results is None:
        return lines + missing("Scripts/compare-peers")
    lines += ["| dataset | bar | ShardTrain to the bar, load + fit (fit alone) | stopping rule set in advance, load + fit | "
              "fastest peer at the bar, load + fit | ratio, load included | fastest peer fit alone | ratio, load excluded | met |",
              "|---|---|---|---|---|---|---|---|---|"]
    notes = []
    for dataset, rows in results.items():
        s = standing(rows, any("rmse" in r for r in rows.values()))
        if not s:
            continue
        ours, rivals, fastest, fit_fastest = s["ours"], s["rivals"], s["fastest"], s["fit_fastest"]
        done, metric, meets, bar = s["done"], s["metric"], s["meets"], s["bar"].split("; ")[0].replace("best peer ", "")
        if not s["early"]:
            lines.append(f"| {dataset} | {bar} | not reached | | {fastest} {total(rivals[fastest]):.3f} s | | | | no |")
            continue
        our, seconds, passes = s["early"]
        our_total = (ours[our].get("load") or 0) + seconds
        own = s["converged"]
        ratio_in = our_total / total(rivals[fastest])  # the met column is about time to the bar
        fast_fit = min(s["reached"], key=lambda t: s["reached"][t][0])
        ratio_out = s["reached"][fast_fit][0] / rivals[fit_fastest]["fit"] if fit_fastest else None
        met = ratio_in < 1 and (ratio_out is None or ratio_out < 1)
        status = "yes" if met else "load included only" if ratio_in < 1 else "load excluded only" if ratio_out and ratio_out < 1 else "no"
        lines.append(f"| {dataset} | {bar} | {our}: {our_total:.3f} s ({seconds:.3f} s, {passes:.0f} passes) | "
                     + (f"{own}: {total(ours[own]):.3f} s ({ours[own].get('passes') or 0:.0f} passes, ratio "
                        f"{total(ours[own]) / total(rivals[fastest]):.2f})" if own else "does not meet the bar")
                     + f" | {fastest}: {total(rivals[fastest]):.3f} s | {ratio_in:.2f} | "
                     + (f"{fit_fastest}: {rivals[fit_fastest]['fit']:.3f} s | {ratio_out:.2f}" if fit_fastest else "— | —")
                     + f" | {status if met else '**' + status + '**'} |")
        if not met:
            notes.append((dataset, our, ratio_in, ratio_out, fit_fastest))
        if own is None or total(ours[own]) >= total(rivals[fastest]):
            short = [f"{t} stops at {metric(r):.5g} ({r.get('passes') or 0:.0f} passes)" for t, r in ours.items() if not meets(metric(r))]
            notes.append((dataset, "advance", total(ours[own]) / total(rivals[fastest]) if own else None, own,
                          "; ".join(short)))
        loads = {t: r["load"] for t, r in done.items() if r.get("load") is not None}
        sk = loads.get("sklearn-lbfgs")
        if sk and dataset in ("dense", "sparse"):
            best_load = min(v for t, v in loads.items() if t.startswith("shardtrain"))
            notes.append((dataset, "load", sk / best_load, None, None))
    lines.append("")
    for dataset, what, a, b, peer in notes:
        if what == "advance":
            lines.append(f"- {dataset}: with a stopping rule set in advance ShardTrain is **not** ahead "
                         + (f"({b}, ratio {a:.2f}, load included)" if a else "(no run meets the bar)")
                         + f": {peer or 'every run meets the bar but is slower'}. Time to the bar shows the passes "
                         "it needs; a stopping rule that finds that point without the test set (a held-out split "
                         "of the training rows) would close the gap.")
        elif what == "load":
            lines.append(f"- {dataset}: ShardTrain loads the file {a:.1f}× faster than scikit-learn's `load_svmlight_file`.")
        elif a >= 1:
            lines.append(f"- {dataset}: **not met with load included** ({what}, ratio {a:.2f}): the tools that win read and fit "
                         "in one process with no start-up, and at this size the worker processes' start-up and the "
                         "file's first read dominate.")
        else:
            lines.append(f"- {dataset}: **not met with load excluded** ({what} against {peer}, ratio {b:.2f}): "
                         "the fit itself is slower than that peer's here; what would close it is a faster pass "
                         "(the fused kernel of the microbenchmarks) or fewer passes (a second-order method).")
    peaks = [(d, t, r["peak_mb"]) for d, rows in results.items() for t, r in rows.items() if "peak_mb" in r and t.startswith("shardtrain")]
    if peaks:
        d, t, mb = max(peaks, key=lambda x: x[2])
        lines.append(f"- Memory: ShardTrain's largest peak is {mb:.0f} MB ({t}, {d}); peers' peaks are in peers.md.")
    lines.append("")
    return lines


# ---------------------------------------------------------------- serving

def serving_section(docs):
    lines = ["## Serving under load", "",
             "`benchmarks/serve-load.sh` starts `shardtrain serve` on an a9a model and runs wrk (2 threads, 16",
             "connections) with single-row KServe v2 infer requests (123 FP32 values as JSON), first steadily,",
             "then while a new version of the model is put in place by rename halfway through; a poller measures",
             "how long until the new version answers. wrk and the server share the machine's cores.", ""]
    r = measured(docs, "serving.json")
    if r is None:
        return lines + missing("benchmarks/serve-load.sh")
    lines += ["| run | seconds | requests | requests/s | p50 ms | p90 ms | p99 ms | errors | new version served after |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name, run in (("steady", r["steady"]), ("model replaced mid-run", r["reload"])):
        swap = run.get("swap_seconds")
        lines.append(f"| {name} | {r['seconds']} | {run['requests']} | {run['requests_per_second']:.0f} | {fmt(run['p50_ms'])} | "
                     f"{fmt(run['p90_ms'])} | {fmt(run['p99_ms'])} | {run['errors']} | "
                     + ("—" if name == "steady" else f"{swap:.2f} s" if swap is not None else "not within 4 s") + " |")
    steady, reload = r["steady"], r["reload"]
    rate_met = steady["requests_per_second"] >= 15_000
    p99_met = steady["p99_ms"] is not None and steady["p99_ms"] <= 5
    lines += ["", f"Targets on this machine: at least 15,000 requests/s ({steady['requests_per_second']:.0f}: "
              + ("met" if rate_met else "**not met**") + f") with p99 at most 5 ms ({fmt(steady['p99_ms'])} ms: "
              + ("met" if p99_met else "**not met**") + f"); zero failed requests ({steady['errors']} and {reload['errors']}: "
              + ("met" if steady["errors"] == 0 and reload["errors"] == 0 else "**not met**") + "); the new version served within 2 s ("
              + (f"{reload['swap_seconds']:.2f} s: " + ("met" if reload["swap_seconds"] <= 2 else "**not met**")
                 if reload.get("swap_seconds") is not None else "**not met**") + ")."]
    base = r.get("baselines")
    if base:
        lines += ["", "Baselines from the same run: "
                  f"`GET /v2/health/live` (the HTTP stack alone) {base['health']['requests_per_second']:.0f} requests/s; "
                  f"a POST refused before its body is read {base['refused']['requests_per_second']:.0f}; "
                  f"the infer with binary tensor input instead of JSON {base['binary']['requests_per_second']:.0f}."]
        if not rate_met:
            share = steady["requests_per_second"] / base["health"]["requests_per_second"]
            binary_gain = base["binary"]["requests_per_second"] / steady["requests_per_second"] - 1
            lines += ["", f"Why the rate falls short: the JSON infer runs at {100 * share:.0f} % of the bare HTTP stack's rate, and "
                      f"binary input changes it by {100 * binary_gain:+.0f} %, so parsing numbers is not what limits it; reading the",
                      "streamed body, scoring and the response are, on 2 cores that wrk shares. More cores, or a channel",
                      "handler that takes the body with the head, are what would reach 15,000."]
    lines.append("")
    return lines


# ---------------------------------------------------------------- defaults

def defaults_section(docs):
    lines = ["## The first command against liblinear-train", "",
             "`benchmarks/defaults-vs-liblinear.sh` times `shardtrain train --model logistic --data TRAIN --output M`",
             "with no tuning flags — process start, parsing, the reference profile, training and writing the model —",
             "against `liblinear-train -s 0 -c 1 -B 1` on the same file (the same objective), alternately; then scores",
             "both, and the exact optimum (`--optimizer lbfgs --tolerance 1e-9`), on held-out rows (a9a.t; every",
             "fifth row of w8a; 40,000 more rows of the wide synthetic draw).", ""]
    r = measured(docs, "defaults.json")
    if r is None:
        return lines + missing("benchmarks/defaults-vs-liblinear.sh")
    lines += ["| data | rows × features | `train` wall | liblinear-train wall | liblinear / train | passes |"
              " test accuracy: default / optimum / LIBLINEAR | default's gap to the optimum |",
              "|---|---|---|---|---|---|---|---|"]
    for x in r["results"]:
        lines.append(f"| {x['dataset']} | {x['rows']:,} × {x['features']:,} | {x['shardtrain_wall']:.3f} s | {x['liblinear_wall']:.3f} s"
                     f" | {x['ratio']:.2f}× | {x['shardtrain_passes']:.0f} | {x['shardtrain_accuracy']:.4f} / {x['optimum_accuracy']:.4f} /"
                     f" {x['liblinear_accuracy']:.4f} | {x['accuracy_gap_points']:.3f} point |")
    lines += ["", f"Machine: {r['machine']}; medians of {r['repeats']} alternating runs. A ratio above 1 is `train` faster.", ""]
    return lines


# ---------------------------------------------------------------- MPI

def mpi_section(docs):
    lines = ["## MPI backend against the socket backend", "",
             "`benchmarks/mpi.sh` trains the same 20 L-BFGS iterations on the synthetic 1,000,000 × 100 set (every",
             "value non-zero; read from LIBSVM text, so stored as sparse rows by every backend)",
             "with P = 2 and 3 workers: worker processes over Unix sockets, MPI with rank 0 as the server",
             "(`MPI_Bcast` + `MPI_Reduce`, P + 1 ranks) and MPI with a replica on every rank (`MPI_Allreduce`, P",
             "ranks); then the reduce step alone (no compute) for 100 and 100,000 parameters on 3 ranks.", ""]
    r = measured(docs, "mpi.json")
    if r is None:
        return lines + missing("benchmarks/mpi.sh")
    lines += ["| workers | backend | s / iteration | passes | ratio to the socket backend |", "|---|---|---|---|---|"]
    for p in sorted({t["workers"] for t in r["train"]}):
        rows = [t for t in r["train"] if t["workers"] == p]
        base = next((t for t in rows if t["backend"] == "socket"), None)
        for t in rows:
            ratio = t["seconds_per_iteration"] / base["seconds_per_iteration"] if base else None
            lines.append(f"| {p} | {t['backend']} | {t['seconds_per_iteration']:.4f} | {t['passes']:.0f} | {fmt(ratio, 3)} |")
    lines += ["", "| reduce step alone | parameters | ms per round |", "|---|---|---|"]
    for x in r["reduce"]:
        lines.append(f"| {x['reduce']} ({x['ranks']} ranks) | {x['parameters']:,} | {1000 * x['seconds_per_round']:.3f} |")
    lines += ["", f"Machine: {r['machine']}; counts above the cores share them (the server mode's extra rank mostly waits)."
              " The socket backend's reduce with 100,000 parameters is in measurements.md (about 14 ms a round trip).", ""]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", default=os.path.join(os.path.dirname(HERE), "docs"))
    args = parser.parse_args()
    lines = ["# Benchmarks", "",
             "Generated by `benchmarks/report.py` from the results that `benchmarks/scaling.sh`,",
             "`benchmarks/microbenchmarks.sh`, `Scripts/compare-peers`, `benchmarks/defaults-vs-liblinear.sh`, `benchmarks/serve-load.sh` and `benchmarks/mpi.sh` leave in `docs/` (each regenerates",
             "this page after measuring); do not edit by hand. Figures recorded for the acceptance of earlier issues,",
             "each with the command that produced it, are in [measurements.md](measurements.md).", "",
             "## Machine and method", "",
             f"{machine()}.", "",
             "Every speed figure is a ratio to a baseline measured in the same run (a stream read of the same bytes,",
             "one worker, or the peers on the same rows), because absolute times move with a shared machine's load.",
             "Medians of repeated runs; the number of runs is stated with each table.", ""]
    lines += scaling_section(args.docs)
    lines += micro_section(args.docs)
    lines += peers_section(args.docs)
    lines += defaults_section(args.docs)
    lines += serving_section(args.docs)
    lines += mpi_section(args.docs)
    out = os.path.join(args.docs, "benchmarks.md")
    temporary = out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    os.replace(temporary, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
