#!/usr/bin/env python3
"""Trains the same objective on the same data with ShardTrain and its peers; reports load and
fit time separately, passes, test metrics and peak memory, as Markdown and SVG.

The objective is L2-regularized logistic regression, sum of losses + (lambda/2)·||w||² with
lambda = 1 (C = 1 for LIBLINEAR and scikit-learn's LogisticRegression, alpha = lambda / n for
SGDClassifier), or least squares with lambda = 0 for regression. Each (tool, dataset) pair runs
in its own process, so that peak memory (ru_maxrss) is its own; every measurement is repeated
and the median reported.

Usage: compare_peers.py --shardtrain BIN --scratch DIR --out docs/peers [--repeats 3]
                        [--datasets a9a,w8a,cal_housing,dense,sparse] [--tools ...]
Run through Scripts/compare-peers, which installs the peers first.
"""
import argparse, json, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---------------------------------------------------------------- datasets

def prepare(name, scratch, shardtrain):
    """Returns (train, test, kind, features) paths in LIBSVM form, generating what is missing."""
    data = os.path.join(ROOT, "datasets")
    if name == "a9a":
        return os.path.join(data, "a9a"), os.path.join(data, "a9a.t"), "logistic", 123
    if name == "w8a":
        train, test = os.path.join(scratch, "w8a.train"), os.path.join(scratch, "w8a.test")
        if not os.path.exists(test):  # every fifth row is held out
            with open(os.path.join(data, "w8a")) as source, open(train, "w") as a, open(test, "w") as b:
                rows = [line for line in source if line.strip()]
                for i, line in enumerate(rows):
                    (b if i % 5 == 4 else a).write(line.rstrip("\n") + "\n")
        return train, test, "logistic", 300
    if name == "cal_housing":
        train, test = os.path.join(scratch, "cal.train"), os.path.join(scratch, "cal.test")
        if not os.path.exists(test + ".csv"):
            # The same rows twice: LIBSVM for the peers, CSV (dense, standardized) for ShardTrain.
            with open(os.path.join(data, "cal_housing.data")) as source, open(train, "w") as a, open(test, "w") as b, \
                 open(train + ".csv", "w") as ac, open(test + ".csv", "w") as bc:
                for i, line in enumerate(source):
                    values = line.strip().split(",")
                    row = values[-1] + " " + " ".join(f"{j + 1}:{v}" for j, v in enumerate(values[:-1])) + "\n"
                    (b if i % 5 == 4 else a).write(row)
                    (bc if i % 5 == 4 else ac).write(line.strip() + "\n")
        return train, test, "linear", 8
    shapes = {"dense": (1_000_000, 100, None), "sparse": (500_000, 100_000, 40)}
    rows, features, nnz = shapes[name]
    paths = [os.path.join(scratch, f"{name}.train"), os.path.join(scratch, f"{name}.test")]
    if not os.path.exists(paths[1]):
        # One draw of the generator (one true model), rows + rows/5 of it; every sixth row is
        # held out.
        whole = os.path.join(scratch, f"{name}.all")
        command = [shardtrain, "datasets", "synth", "--kind", "logistic", "--rows", str(rows + rows // 5), "--features",
                   str(features), "--seed", "1", "--output", whole]
        if nnz:
            command += ["--nnz-per-row", str(nnz)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(whole) as source, open(paths[0], "w") as a, open(paths[1], "w") as b:
            for i, line in enumerate(source):
                (b if i % 6 == 5 else a).write(line)
        os.remove(whole)
    return paths[0], paths[1], "logistic", features


# ---------------------------------------------------------------- one measurement, in a child

def run_measured(command):
    """Runs an external tool; its standard output and its own peak resident set in MB (wait4
    includes the processes it waited for: ShardTrain's workers)."""
    with open(os.path.join(os.environ["SCRATCH"], "tool.out"), "w+") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{command[0]} failed with status {os.waitstatus_to_exitcode(status)}")
        out.seek(0)
        return out.read(), usage.ru_maxrss / 1024


def vowpal_file(path):
    """The LIBSVM file `path` in Vowpal Wabbit's text format (written once, in the scratch folder)."""
    target = os.path.join(os.environ["SCRATCH"], os.path.basename(path) + ".vw")
    if not os.path.exists(target):
        with open(path) as source, open(target, "w") as out:
            for line in source:
                parts = line.split()
                if parts:
                    out.write(parts[0] + " | " + " ".join(parts[1:]) + "\n")
    return target


def run_vowpal(tool, train, test, kind):
    """Vowpal Wabbit through its Python bindings: BFGS (--l2 1, as lambda) or its default
    online learner (adaptive, normalized updates; 5 passes, no L2). It reads, caches and trains
    in one go: timed as load + fit."""
    import numpy as np
    import vowpalwabbit
    scratch = os.environ["SCRATCH"]
    loss = "logistic" if kind == "logistic" else "squared"
    mode = f"--bfgs --passes 50 --l2 {1 if kind == 'logistic' else 0}" if tool == "vw-bfgs" else "--passes 5"
    model, cache, predictions = (os.path.join(scratch, f"{tool}.{suffix}") for suffix in ("model", "cache", "out"))
    for stale in (model, cache, predictions):
        if os.path.exists(stale):
            os.remove(stale)
    start = time.perf_counter()
    learner = vowpalwabbit.Workspace(f"--quiet --loss_function {loss} {mode} --holdout_off --predict_only_model -b 20 "
                                     f"-c --cache_file {cache} -d {vowpal_file(train)} -f {model}")
    learner.finish()
    fit = time.perf_counter() - start
    link = "--link logistic" if kind == "logistic" else ""
    scorer = vowpalwabbit.Workspace(f"--quiet -t --predict_only_model -i {model} -d {vowpal_file(test)} -p {predictions} {link}")
    scorer.finish()
    p = np.loadtxt(predictions)
    y = np.array([float(line.split(None, 1)[0]) for line in open(test) if line.strip()])
    passes = 50.0 if tool == "vw-bfgs" else 5.0
    if kind == "logistic":
        t = (y > 0).astype(float)
        q = np.clip(p, 1e-15, 1 - 1e-15)
        return {"load": None, "fit": fit, "passes": passes, "accuracy": float(np.mean((p >= 0.5) == (y > 0))),
                "logloss": float(-np.mean(t * np.log(q) + (1 - t) * np.log(1 - q)))}
    return {"load": None, "fit": fit, "passes": passes, "rmse": float(np.sqrt(np.mean((p - y) ** 2))),
            "r2": float(1 - np.sum((p - y) ** 2) / np.sum((y - y.mean()) ** 2))}


def run_spark(train, test, kind, features):
    """Spark MLlib on local[2]: its libsvm reader (read, cache, count: the load), then
    LogisticRegression with regParam = lambda / n (Spark averages the loss) and no
    standardization, or LinearRegression without regularization. Session start-up (about
    9 s) is not counted; the JVM's peak memory is."""
    import resource
    import numpy as np
    from pyspark import SparkContext
    from pyspark.sql import SparkSession, functions
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.regression import LinearRegression
    spark = (SparkSession.builder.master("local[2]").appName("compare-peers").config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "8g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter()
    frames = []
    for path in (train, test):
        frame = spark.read.format("libsvm").option("numFeatures", str(features)).load(path)
        if kind == "logistic":
            frame = frame.withColumn("label", (functions.col("label") > 0).cast("double"))
        frame = frame.cache()
        frame.count()
        frames.append(frame)
    load = time.perf_counter() - start
    n = frames[0].count()
    if kind == "logistic":
        estimator = LogisticRegression(maxIter=1000, regParam=1.0 / n, elasticNetParam=0.0, standardization=False, tol=1e-6)
    else:
        estimator = LinearRegression(maxIter=1000, regParam=0.0, solver="l-bfgs", standardization=True, tol=1e-9)
    start = time.perf_counter()
    model = estimator.fit(frames[0])
    fit = time.perf_counter() - start
    passes = float(model.summary.totalIterations)
    rows = model.transform(frames[1]).select(*(["label", "probability", "prediction"] if kind == "logistic"
                                               else ["label", "prediction"])).collect()
    gateway = SparkContext._gateway
    spark.stop()
    try:  # let the JVM exit and be waited for, so that its peak memory is on record
        gateway.proc.stdin.close()
        gateway.proc.wait(timeout=60)
    except Exception:
        pass
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    y = np.array([r[0] for r in rows])
    if kind == "logistic":
        p = np.clip(np.array([r[1][1] for r in rows]), 1e-15, 1 - 1e-15)
        return {"load": load, "fit": fit, "passes": passes, "peak_mb": peak,
                "accuracy": float(np.mean(np.array([r[2] for r in rows]) == y)),
                "logloss": float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))}
    p = np.array([r[1] for r in rows])
    return {"load": load, "fit": fit, "passes": passes, "peak_mb": peak, "rmse": float(np.sqrt(np.mean((p - y) ** 2))),
            "r2": float(1 - np.sum((p - y) ** 2) / np.sum((y - y.mean()) ** 2))}


def run_tool(tool, train, test, kind, features):
    """Runs in a child process: loads, fits, scores; returns the record."""
    if tool == "spark":
        return run_spark(train, test, kind, features)
    if tool.startswith("vw-"):
        return run_vowpal(tool, train, test, kind)
    if tool.startswith("shardtrain"):
        workers = tool.split("-")[1]  # shardtrain-W, or shardtrain-W-loose: a looser stopping rule set in advance
        if kind == "linear":
            # Dense data goes in as CSV (the same rows), where ShardTrain standardizes it.
            train, test = train + ".csv", test + ".csv"
        trace = os.path.join(os.environ["SCRATCH"], "shardtrain.trace")
        command = [os.environ["SHARDTRAIN"], "train", "--model", kind, "--data", train, "--test", test,
                   "--workers", workers, "--quiet", "--json", "--trace", trace,
                   "--output", os.path.join(os.environ["SCRATCH"], "shardtrain.model")]
        command += ["--l2", "0"] if kind == "linear" else ["--features", str(features)]
        if tool.endswith("-loose"):
            command += ["--tolerance", "1e-3"]
        out, peak = run_measured(command)
        result = json.loads(out.strip().splitlines()[-1])
        # The learning curve: (seconds of training, test metric, passes) after each iteration;
        # the time spent scoring for it is left out of both the curve and train_seconds.
        metric = "test_rmse" if kind == "linear" else "test_accuracy"
        curve = [json.loads(line) for line in open(trace) if line.strip()]
        record = {"load": result["load_seconds"], "fit": result["train_seconds"], "passes": result["passes"],
                  "peak_mb": peak, "trace": improvements([[round(c["seconds"], 6), c[metric], c["passes"]] for c in curve],
                                                         lower_is_better=kind == "linear")}
        if kind == "linear":
            record.update(rmse=result["test_rmse"], r2=result["test_r2"])
        else:
            record.update(accuracy=result["test_accuracy"], logloss=result["test_logloss"])
        return record
    import numpy as np
    if tool == "liblinear":
        model = os.path.join(os.environ["SCRATCH"], "liblinear.model")
        predictions = os.path.join(os.environ["SCRATCH"], "liblinear.out")
        start = time.perf_counter()
        solver = ["-s", "0", "-c", "1"] if kind == "logistic" else ["-s", "11", "-c", "1000000"]
        _, peak = run_measured(["liblinear-train", *solver, "-B", "1", "-q", train, model])
        fit = time.perf_counter() - start
        subprocess.run(["liblinear-predict", "-b", "1" if kind == "logistic" else "0", test, model, predictions],
                       check=True, capture_output=True)
        y = np.array([float(line.split(None, 1)[0]) for line in open(test) if line.strip()])
        lines = open(predictions).read().split("\n")
        if kind == "logistic":
            header = lines[0].split()[1:]
            rows = [list(map(float, l.split())) for l in lines[1:] if l.strip()]
            labels = np.array([r[0] for r in rows])
            positive = header.index("1") if "1" in header else header.index("+1")
            p = np.clip(np.array([r[1 + positive] for r in rows]), 1e-15, 1 - 1e-15)
            t = (y > 0).astype(float)
            return {"load": None, "fit": fit, "passes": None, "accuracy": float(np.mean(labels == y)),
                    "logloss": float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))), "peak_mb": peak}
        values = np.array([float(l) for l in lines if l.strip()])
        return {"load": None, "fit": fit, "passes": None, "rmse": float(np.sqrt(np.mean((values - y) ** 2))),
                "r2": float(1 - np.sum((values - y) ** 2) / np.sum((y - y.mean()) ** 2)), "peak_mb": peak}
    # scikit-learn
    from sklearn.datasets import load_svmlight_file
    from sklearn import linear_model, metrics
    start = time.perf_counter()
    X, y = load_svmlight_file(train, n_features=features)
    Xt, yt = load_svmlight_file(test, n_features=features)
    for matrix in (X, Xt):  # scikit-learn's liblinear and SGD solvers take 32-bit indices only
        matrix.indices, matrix.indptr = matrix.indices.astype(np.int32), matrix.indptr.astype(np.int32)
    if tool == "sklearn-lbfgs" and kind == "logistic" and X.nnz > 0.5 * X.shape[0] * X.shape[1]:
        X, Xt = X.toarray(), Xt.toarray()  # dense data: what a user of dense data would hand over
    load = time.perf_counter() - start
    n = X.shape[0]
    if kind == "linear":
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        # SGD diverges on raw features spanning 1 to 40,000: it gets scaled ones, as its users do.
        model = linear_model.LinearRegression() if tool == "sklearn-lbfgs" else \
            make_pipeline(StandardScaler(with_mean=False), linear_model.SGDRegressor(alpha=0.0, max_iter=50))
    elif tool == "sklearn-lbfgs":
        model = linear_model.LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000)
    elif tool == "sklearn-liblinear":
        model = linear_model.LogisticRegression(C=1.0, solver="liblinear")
    else:
        model = linear_model.SGDClassifier(loss="log_loss", alpha=1.0 / n, max_iter=50, tol=1e-4)
    start = time.perf_counter()
    model.fit(X, y)
    fit = time.perf_counter() - start
    passes = getattr(model[-1] if hasattr(model, "steps") else model, "n_iter_", None)
    passes = float(np.max(passes)) if passes is not None else None
    if kind == "linear":
        p = model.predict(Xt)
        return {"load": load, "fit": fit, "passes": passes, "rmse": float(np.sqrt(np.mean((p - yt) ** 2))),
                "r2": float(metrics.r2_score(yt, p))}
    probabilities = model.predict_proba(Xt)
    return {"load": load, "fit": fit, "passes": passes, "accuracy": float(metrics.accuracy_score(yt, model.predict(Xt))),
            "logloss": float(metrics.log_loss(yt, probabilities, labels=model.classes_))}


def improvements(curve, lower_is_better):
    """The points of a learning curve where the test metric beats every earlier point: all that
    the time to any bar needs (the first point at or past a bar is one of them)."""
    kept, best = [], None
    for point in curve:
        if best is None or (point[1] < best if lower_is_better else point[1] > best):
            kept.append(point)
            best = point[1]
    return kept


def measure(tool, dataset, paths, repeats):
    """Runs the child `repeats` times; the median of each number, the largest peak memory."""
    records = []
    for _ in range(repeats):
        with open(os.path.join(os.environ["SCRATCH"], "child.out"), "w+") as out, \
             open(os.path.join(os.environ["SCRATCH"], "child.err"), "w+") as err:
            child = subprocess.Popen([sys.executable, __file__, "--child", tool, *map(str, paths)], stdout=out, stderr=err)
            # wait4 gives this child's own peak resident set (with the processes it waited for).
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        if child.returncode != 0:
            return {"error": (stderr.strip().splitlines() or ["failed"])[-1][:200]}
        record = json.loads(stdout.strip().splitlines()[-1])
        record.setdefault("peak_mb", usage.ru_maxrss / 1024)  # in-process tools: the child itself
        records.append(record)
    summary = {}
    if "trace" in records[0]:
        summary["traces"] = [r.pop("trace") for r in records]
    for key in records[0]:
        values = [r[key] for r in records if isinstance(r.get(key), (int, float))]
        summary[key] = statistics.median(values) if values else records[0][key]
    summary["peak_mb"] = max(r["peak_mb"] for r in records)
    summary["runs"] = len(records)
    return summary


# ---------------------------------------------------------------- report

def quality_bar(rows, regression):
    """The bar every run is held to: the best peer's test accuracy less 0.1 point, or its test
    RMSE plus 1 %. Returns (description, test on a metric value), or None without peers."""
    peers = [r for t, r in rows.items() if "fit" in r and not t.startswith("shardtrain")]
    if not peers:
        return None
    if regression:
        best = min(r["rmse"] for r in peers)
        return f"best peer test RMSE {best:.5g}; the bar: within 1 % of it", lambda v: v <= best * 1.01
    best = max(r["accuracy"] for r in peers)
    return f"best peer test accuracy {best:.4f}; the bar: within 0.1 point of it", lambda v: v >= best - 0.001


def to_bar(record, meets):
    """Seconds of training until a ShardTrain run's test metric first meets the bar (median over
    the runs, from their learning curves) and the passes it took; None if a run never does."""
    times, passes = [], []
    for trace in record.get("traces") or []:
        hit = next((point for point in trace if meets(point[1])), None)
        if hit is None:
            return None
        times.append(hit[0])
        passes.append(hit[2])
    return (statistics.median(times), statistics.median(passes)) if times else None


def markdown(results, repeats):
    lines = ["# ShardTrain and its peers", "",
             "Generated by `Scripts/compare-peers` (medians of the runs each table states; peak memory is the largest",
             "process's resident set); do not edit by hand. Same objective everywhere: L2-regularized logistic regression",
             "with lambda = 1 (C = 1), or least squares for cal_housing. LIBLINEAR's command line and Vowpal",
             "Wabbit (which caches while it reads) are timed for load and fit together. *to bar*: load plus the",
             "training time until ShardTrain's test metric first meets the bar (its learning curve, `train --trace`),",
             "with the passes that took. *shardtrain-W*: W workers at the default stopping rule; *-loose*: with",
             "`--tolerance 1e-3` (stop when the gradient norm falls to 1/1000 of its first value), set in advance.", ""]
    for dataset, rows in results.items():
        regression = any("rmse" in r for r in rows.values())
        bar = quality_bar(rows, regression)
        quality = "| test RMSE | test R² |" if regression else "| test accuracy | test log-loss |"
        runs = sorted({r.get("runs", repeats) for r in rows.values() if "fit" in r})
        lines += [f"## {dataset}", "", f"Runs per tool: {', '.join(map(str, runs))}.", "",
                  "| tool | load s | fit s | load + fit s | passes " + quality + " peak MB | to bar s (passes) |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for tool, r in rows.items():
            if "error" in r:
                lines.append(f"| {tool} | failed: {r['error']} | | | | | | | |")
                continue
            load = r.get("load")
            total = (load or 0) + r["fit"]
            a, b = (r["rmse"], r["r2"]) if regression else (r["accuracy"], r["logloss"])
            fmt = lambda v, d=3: "—" if v is None else f"{v:.{d}f}"
            reached = to_bar(r, bar[1]) if bar and "traces" in r else None
            early = "—" if "traces" not in r else "not reached" if reached is None else \
                f"{(load or 0) + reached[0]:.3f} ({reached[1]:.0f})"
            lines.append(f"| {tool} | {fmt(load)} | {fmt(r['fit']) if load is not None else '—'} | {total:.3f} | "
                         f"{fmt(r.get('passes'), 0)} | {a:.5g} | {b:.5g} | {r['peak_mb']:.0f} | {early} |")
        lines += ["", verdict(rows, regression), ""]
    return "\n".join(lines)


def total(record):
    """Load plus fit seconds (a tool timed only as a whole has no separate load)."""
    return (record.get("load") or 0) + record["fit"]


def standing(rows, regression):
    """Where ShardTrain stands on one dataset, or None without both peers and ShardTrain runs:
    the bar; the fastest peer that meets it (load + fit) and the fastest by fit alone (of those
    timed apart); ShardTrain's fastest run to the bar on its learning curve (`early`: tool,
    seconds of training, passes) and its fastest run that meets the bar when it stops by itself
    (`converged`)."""
    done = {t: r for t, r in rows.items() if "fit" in r}
    ours = {t: r for t, r in done.items() if t.startswith("shardtrain")}
    bar = quality_bar(rows, regression)
    if not bar or not ours:
        return None
    text, meets = bar
    metric = (lambda r: r["rmse"]) if regression else (lambda r: r["accuracy"])
    rivals = {t: r for t, r in done.items() if not t.startswith("shardtrain") and meets(metric(r))}
    timed = {t: r for t, r in rivals.items() if r.get("load") is not None}
    reached = {t: x for t, r in ours.items() if (x := to_bar(r, meets)) is not None}
    early = min(reached, key=lambda t: (ours[t].get("load") or 0) + reached[t][0], default=None)
    converged = [t for t, r in ours.items() if meets(metric(r))]
    return {"bar": text, "meets": meets, "metric": metric, "done": done, "ours": ours, "reached": reached,
            "fastest": min(rivals, key=lambda t: total(rivals[t])), "rivals": rivals,
            "fit_fastest": min(timed, key=lambda t: timed[t]["fit"], default=None),
            "early": (early, *reached[early]) if early else None,
            "converged": min(converged, key=lambda t: total(ours[t]), default=None)}


def verdict(rows, regression):
    """Whether ShardTrain is the fastest of the runs that meet the bar, load included and
    excluded: first with every tool at its own stopping rule, then with ShardTrain's time to
    the bar read from its learning curve."""
    s = standing(rows, regression)
    if not s:
        return "Not enough runs for a verdict."
    fastest, fit_fastest, rivals = s["fastest"], s["fit_fastest"], s["rivals"]

    def against(label, ours_total, ours_fit):
        line = f"{label} {ours_total:.3f} s load + fit against the fastest peer that meets the bar, {fastest}, " \
               f"{total(rivals[fastest]):.3f} s (ratio {ours_total / total(rivals[fastest]):.2f})"
        if fit_fastest:
            line += f"; fit alone {ours_fit:.3f} s against {fit_fastest}'s {rivals[fit_fastest]['fit']:.3f} s " \
                    f"(ratio {ours_fit / rivals[fit_fastest]['fit']:.2f})"
        return line

    lines = [f"Verdict ({s['bar']}):", ""]
    if s["converged"]:
        our = s["ours"][s["converged"]]
        lines.append("- " + against(f"At every tool's own stopping rule, {s['converged']}", total(our), our["fit"]) + ".")
    else:
        lines.append("- At its own stopping rule ShardTrain does not meet the bar.")
    if s["early"]:
        tool, seconds, passes = s["early"]
        lines.append("- " + against(f"Time to the bar, {tool} ({passes:.0f} passes)", (s["ours"][tool].get("load") or 0) + seconds,
                                    seconds) + " (the peers at their own stopping rules).")
    return "\n".join(lines)


def svg(results):
    """Load + fit seconds per tool, one group of bars per dataset (log scale)."""
    import math
    tools = sorted({t for rows in results.values() for t in rows})
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
    width, height, left, bottom = 120 + 150 * len(results), 360, 60, 300
    values = [(r.get("load") or 0) + r["fit"] for rows in results.values() for r in rows.values() if "fit" in r]
    low, high = math.log10(max(min(values, default=0.01), 1e-3)) - 0.2, math.log10(max(values, default=1)) + 0.2
    y = lambda v: bottom - (math.log10(max(v, 1e-3)) - low) / (high - low) * (bottom - 40)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 200}" height="{height}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">load + fit seconds (log scale)</text>',
           f'<line x1="{left}" y1="{bottom}" x2="{width}" y2="{bottom}" stroke="black"/>']
    for power in range(math.floor(low), math.ceil(high) + 1):
        if low <= power <= high:
            out.append(f'<text x="{left - 6}" y="{y(10 ** power) + 4}" text-anchor="end">{10 ** power:g}</text>')
            out.append(f'<line x1="{left}" y1="{y(10 ** power)}" x2="{width}" y2="{y(10 ** power)}" stroke="#eee"/>')
    for g, (dataset, rows) in enumerate(results.items()):
        x0 = left + 20 + g * 150
        bar = 130 / max(len(tools), 1)
        for i, tool in enumerate(tools):
            r = rows.get(tool)
            if not r or "fit" not in r:
                continue
            v = (r.get("load") or 0) + r["fit"]
            out.append(f'<rect x="{x0 + i * bar:.1f}" y="{y(v):.1f}" width="{bar - 2:.1f}" height="{bottom - y(v):.1f}" fill="{colors[i % len(colors)]}"/>')
        out.append(f'<text x="{x0 + 65}" y="{bottom + 18}" text-anchor="middle">{dataset}</text>')
    for i, tool in enumerate(tools):
        out.append(f'<rect x="{width + 20}" y="{40 + i * 18}" width="12" height="12" fill="{colors[i % len(colors)]}"/>')
        out.append(f'<text x="{width + 38}" y="{50 + i * 18}">{tool}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        tool, train, test, kind, features = sys.argv[2:7]
        print(json.dumps(run_tool(tool, train, test, kind, int(features))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shardtrain", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--out", required=True, help="path prefix: writes PREFIX.json (kept and updated), PREFIX.md and PREFIX.svg")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--datasets", default="a9a,w8a,cal_housing,dense,sparse")
    parser.add_argument("--tools", default="shardtrain-1,shardtrain-2,shardtrain-1-loose,shardtrain-2-loose,liblinear,sklearn-lbfgs,sklearn-liblinear,sklearn-sgd,"
                                              "vw-sgd,vw-bfgs,spark")
    args = parser.parse_args()
    os.makedirs(args.scratch, exist_ok=True)
    os.environ["SHARDTRAIN"] = os.path.abspath(args.shardtrain)
    os.environ["SCRATCH"] = os.path.abspath(args.scratch)
    # Earlier results of other tools or datasets are kept: a run of a few tools updates them.
    results = json.load(open(args.out + ".json")) if os.path.exists(args.out + ".json") else {}
    for dataset in args.datasets.split(","):
        paths = prepare(dataset, args.scratch, args.shardtrain)
        results.setdefault(dataset, {})
        for tool in args.tools.split(","):
            if paths[2] == "linear" and tool == "sklearn-liblinear":
                continue  # LIBLINEAR's solvers in scikit-learn are for classification
            record = measure(tool, dataset, paths, args.repeats)
            results[dataset][tool] = record
            print(dataset, tool, json.dumps({k: v for k, v in record.items() if k != "traces"}), file=sys.stderr, flush=True)
            with open(args.out + ".json", "w") as f:  # after every measurement: a long run can be resumed
                json.dump(results, f, indent=1, sort_keys=True)
    with open(args.out + ".md", "w") as f:
        f.write(markdown(results, args.repeats))
    with open(args.out + ".svg", "w") as f:
        f.write(svg(results))
    print(f"wrote {args.out}.md and {args.out}.svg")


if __name__ == "__main__":
    main()
