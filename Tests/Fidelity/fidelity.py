"""Independent references for ShardTrain's fidelity suite (Tests/CLITests/FidelityTests.swift).

`fidelity.py prepare DIR` writes small generated datasets (a dense CSV whose features have very
different scales and non-zero means, and a sparse LIBSVM file) and the reference solution of
every case: the objective

    F(w, b) = sum_i loss(x_i . w + b, y_i) + (l2/2) |w|^2 + l1 |w|_1

written out here in NumPy and minimized by SciPy's L-BFGS-B to a tight tolerance (the L1 term
as w = u - v with u, v >= 0, which makes it smooth and exact). For the L2-only cases the
reference is cross-checked against scikit-learn (Ridge with alpha = l2; LogisticRegression
with C = 1/l2), and the suite fails if the two references disagree.

`fidelity.py check DIR` reads every model file ShardTrain wrote (safetensors), compares the
coefficients with the reference, recomputes the objective in float64 from the file's own
coefficients and compares it with the objective the file reports. It prints one JSON object.
"""
import json
import os
import sys

import numpy as np
from safetensors import safe_open
from scipy.optimize import minimize

KINDS = ("linear", "logistic", "softmax")
PENALTIES = {"l2": (1.0, 0.0), "l1": (0.0, 2.0), "l1l2": (0.5, 1.0)}
ROWS = 300


def make_data(kind, storage, rng):
    if storage == "dense":
        scales = np.array([100.0, 0.01, 1.0, 5.0, 0.3, 20.0])
        means = np.array([50.0, 0.02, -3.0, 0.0, 1.0, -40.0])
        x = rng.normal(size=(ROWS, 6)) * scales + means
    else:
        d = 40
        x = np.where(rng.random((ROWS, d)) < 0.2, rng.normal(size=(ROWS, d)) * rng.uniform(0.2, 5, size=d), 0.0)
    x = x.astype(np.float32).astype(np.float64)  # what ShardTrain stores
    d = x.shape[1]
    spread = x.std(axis=0) + 1e-9
    if kind == "softmax":
        true = rng.normal(size=(d, 3)) / spread[:, None]
        z = (x - x.mean(axis=0)) @ true + rng.gumbel(size=(ROWS, 3))
        y = z.argmax(axis=1).astype(np.float64)
    else:
        true = rng.normal(size=d) / spread
        z = (x - x.mean(axis=0)) @ true + 0.3
        y = z + rng.normal(size=ROWS) if kind == "linear" else (rng.random(ROWS) < 1 / (1 + np.exp(-z))).astype(np.float64)
    return x, y


def write_data(path, x, y, storage):
    with open(path, "w") as out:
        for row, label in zip(x, y):
            label_text = repr(float(label)) if not float(label).is_integer() else str(int(label))
            if storage == "dense":
                out.write(",".join(repr(float(np.float32(v))) for v in row) + "," + label_text + "\n")
            else:
                pairs = " ".join(f"{j + 1}:{repr(float(np.float32(v)))}" for j, v in enumerate(row) if v != 0)
                out.write(label_text + (" " + pairs if pairs else "") + "\n")


def loss_and_gradient(kind, x, y, w, b):
    """Sum of losses and its gradient in w (d x K) and b (K)."""
    z = x @ w + b
    if kind == "linear":
        r = z[:, 0] - y
        return 0.5 * r @ r, x.T @ r[:, None], np.array([r.sum()])
    if kind == "logistic":
        m = z[:, 0]
        value = np.sum(np.logaddexp(0, m) - y * m)
        r = 1 / (1 + np.exp(-m)) - y
        return value, x.T @ r[:, None], np.array([r.sum()])
    top = z.max(axis=1, keepdims=True)
    log_total = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
    labels = y.astype(int)
    value = np.sum(log_total - z[np.arange(len(y)), labels])
    p = np.exp(z - log_total[:, None])
    p[np.arange(len(y)), labels] -= 1
    return value, x.T @ p, p.sum(axis=0)


def objective(kind, x, y, w, b, l2, l1):
    return loss_and_gradient(kind, x, y, w, b)[0] + 0.5 * l2 * np.sum(w * w) + l1 * np.sum(np.abs(w))


def reference(kind, x, y, l2, l1, intercept):
    d, k = x.shape[1], (3 if kind == "softmax" else 1)
    n_w = d * k

    def unpack(theta):
        u, v = theta[:n_w], theta[n_w:2 * n_w]
        b = theta[2 * n_w:] if intercept else np.zeros(k)
        return (u - v).reshape(d, k), b

    def f(theta):
        w, b = unpack(theta)
        value, gw, gb = loss_and_gradient(kind, x, y, w, b)
        u, v = theta[:n_w], theta[n_w:2 * n_w]
        value += 0.5 * l2 * np.sum(w * w) + l1 * np.sum(u + v)
        gw = gw.ravel() + l2 * w.ravel()
        grad = np.concatenate([gw + l1, -gw + l1] + ([gb] if intercept else []))
        return value, grad

    size = 2 * n_w + (k if intercept else 0)
    bounds = [(0, None)] * (2 * n_w) + [(None, None)] * (size - 2 * n_w)
    best = None
    # Start from zero; a second start from the first answer polishes it.
    theta = np.zeros(size)
    for _ in range(2):
        result = minimize(f, theta, jac=True, method="L-BFGS-B", bounds=bounds,
                          options={"maxiter": 100000, "maxfun": 200000, "ftol": 1e-16, "gtol": 1e-12, "maxcor": 30})
        theta = result.x
        best = result
    w, b = unpack(best.x)
    return w, b, best.fun


def sklearn_check(kind, x, y, l2, intercept):
    """The L2-only answer of scikit-learn, or None where it has no such estimator."""
    from sklearn.linear_model import LogisticRegression, Ridge
    if kind == "linear":
        model = Ridge(alpha=l2, fit_intercept=intercept, tol=1e-12, solver="cholesky").fit(x, y)
        return model.coef_.reshape(-1, 1), np.atleast_1d(model.intercept_)
    model = LogisticRegression(C=1 / l2, fit_intercept=intercept, tol=1e-12, max_iter=100000).fit(x, y)
    w = model.coef_.T
    if kind == "softmax" and intercept:
        return w, model.intercept_
    return w, np.atleast_1d(model.intercept_) if intercept else np.zeros(w.shape[1])


def comparable(kind, w, b):
    """Softmax intercepts are defined up to a common shift: compare them centred."""
    if kind == "softmax":
        b = b - b.mean()
    return np.concatenate([w.ravel(), b])


def prepare(folder):
    rng = np.random.default_rng(20261203)
    cases, notes = [], []
    for kind in KINDS:
        for storage in ("dense", "sparse"):
            x, y = make_data(kind, storage, rng)
            data = os.path.join(folder, f"{kind}-{storage}.{'csv' if storage == 'dense' else 'svm'}")
            write_data(data, x, y, storage)
            for intercept in (True, False):
                for name, (l2, l1) in PENALTIES.items():
                    w, b, value = reference(kind, x, y, l2, l1, intercept)
                    case = {"kind": kind, "storage": storage, "data": data, "intercept": intercept, "penalty": name,
                            "l2": l2, "l1": l1, "weights": w.tolist(), "intercepts": b.tolist(), "objective": value}
                    if l1 == 0:
                        sw, sb = sklearn_check(kind, x, y, l2, intercept)
                        ref = comparable(kind, w, b)
                        gap = np.max(np.abs(comparable(kind, sw, sb) - ref)) / max(1e-12, np.max(np.abs(ref)))
                        case["sklearn_gap"] = float(gap)
                    cases.append(case)
    with open(os.path.join(folder, "reference.json"), "w") as out:
        json.dump(cases, out)
    print(json.dumps({"cases": len(cases), "largest_sklearn_gap": max(c.get("sklearn_gap", 0) for c in cases)}))


def read_model(path):
    with safe_open(path, "np") as f:
        tensors = {name: f.get_tensor(name) for name in f.keys()}
        metadata = f.metadata()
    d, k = int(metadata["feature_count"]), int(metadata["outputs"])
    if "weight" in tensors:
        w = tensors["weight"].astype(np.float64).reshape(k, d)
    else:
        flat = np.zeros(k * d)
        flat[tensors["weight_indices"].astype(np.int64)] = tensors["weight_values"].astype(np.float64)
        w = flat.reshape(k, d)
    summary = json.loads(metadata["training_summary"])
    return w.T, tensors["bias"].astype(np.float64), summary["objective"]


def load(path, storage, d):
    rows, labels = [], []
    with open(path) as source:
        for line in source:
            if storage == "dense":
                values = [float(v) for v in line.strip().split(",")]
                rows.append(values[:-1])
                labels.append(values[-1])
            else:
                parts = line.split()
                labels.append(float(parts[0]))
                row = np.zeros(d)
                for pair in parts[1:]:
                    j, v = pair.split(":")
                    row[int(j) - 1] = float(v)
                rows.append(row)
    return np.array(rows, dtype=np.float32).astype(np.float64), np.array(labels)


def check(folder):
    cases = json.load(open(os.path.join(folder, "reference.json")))
    results = []
    for case in cases:
        for model in sorted(f for f in os.listdir(folder) if f.startswith(case_name(case) + ".") and f.endswith(".st")):
            w, b, reported = read_model(os.path.join(folder, model))
            x, y = load(case["data"], case["storage"], w.shape[0])
            kind = case["kind"]
            if kind == "softmax":
                y = y.astype(np.float64)
            ref = comparable(kind, np.array(case["weights"]), np.array(case["intercepts"]))
            ours = comparable(kind, w, b)
            coefficient_error = float(np.max(np.abs(ours - ref)) / max(1e-12, np.max(np.abs(ref))))
            recomputed = objective(kind, x, y, w, b, case["l2"], case["l1"])
            results.append({"model": model, "coefficient_error": coefficient_error,
                            "objective_error": float(abs(reported - recomputed) / abs(recomputed)),
                            "above_optimum": float((recomputed - case["objective"]) / abs(case["objective"]))})
    print(json.dumps({"results": results}))


def scales(folder):
    """The issue's reproducer: three dense features with scales 100, 0.01 and 1 (2,000 rows,
    logistic). Writes scales.csv and prints scikit-learn's C = 1 coefficients and intercept."""
    from sklearn.linear_model import LogisticRegression
    rng = np.random.default_rng(3)
    x = (rng.normal(size=(2000, 3)) * [100.0, 0.01, 1.0]).astype(np.float32).astype(np.float64)
    z = 0.01 * x[:, 0] - 200 * x[:, 1] + 0.5 * x[:, 2]
    y = (rng.random(2000) < 1 / (1 + np.exp(-z))).astype(np.float64)
    write_data(os.path.join(folder, "scales.csv"), x, y, "dense")
    model = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(x, y)
    print(json.dumps({"weights": model.coef_.ravel().tolist(), "intercept": float(model.intercept_[0])}))


def conventions(folder):
    """References for the parameter mappings of docs/conventions.md, on scales.csv (written by
    `scales`): scikit-learn's LogisticRegression(C=1) on features standardized by hand (the
    population standard deviation), mapped back to the original scale, which is what
    `--penalty-convention standardized --l2 1` must give; and scikit-learn's ElasticNet(alpha,
    l1_ratio) on a linear target, which `--l1 n·alpha·l1_ratio --l2 n·alpha·(1 − l1_ratio)` must give."""
    from sklearn.linear_model import ElasticNet, LogisticRegression
    data = np.loadtxt(os.path.join(folder, "scales.csv"), delimiter=",")
    x, y = data[:, :3], data[:, 3]
    mean, sd = x.mean(axis=0), x.std(axis=0)
    model = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit((x - mean) / sd, y)
    w = model.coef_.ravel() / sd
    standardized = {"weights": w.tolist(), "intercept": float(model.intercept_[0] - w @ mean)}
    rng = np.random.default_rng(5)
    target = x @ np.array([0.01, -150.0, 0.8]) + rng.normal(size=len(y))
    linear = os.path.join(folder, "elastic.csv")
    write_data(linear, x, target, "dense")
    alpha, ratio = 0.05, 0.3
    net = ElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-12, max_iter=1000000).fit(x, target)
    elastic = {"weights": net.coef_.tolist(), "intercept": float(net.intercept_),
               "l1": len(target) * alpha * ratio, "l2": len(target) * alpha * (1 - ratio)}
    print(json.dumps({"standardized": standardized, "elastic_net": elastic}))


def recompute(model, data, storage, kind, l2, l1):
    """The objective a model file reports against the float64 recomputation from its own
    coefficients on the data file."""
    w, b, reported = read_model(model)
    x, y = load(data, storage, w.shape[0])
    with safe_open(model, "np") as f:
        classes = json.loads(f.metadata()["classes"])
    if kind != "linear":  # labels as read (e.g. -1/+1) to class indices
        y = np.array([classes.index(label) for label in y], dtype=np.float64)
    recomputed = objective(kind, x, y, w, b, float(l2), float(l1))
    print(json.dumps({"reported": reported, "recomputed": recomputed,
                      "relative_error": abs(reported - recomputed) / abs(recomputed)}))


def case_name(case):
    return f"{case['kind']}-{case['storage']}-{'b' if case['intercept'] else 'nob'}-{case['penalty']}"


if __name__ == "__main__":
    {"prepare": prepare, "check": check, "scales": scales, "conventions": conventions,
     "recompute": recompute}[sys.argv[1]](*sys.argv[2:])
