#!/usr/bin/env bash
# The cost of the float64 logistic loss: times LogisticLoss.derivatives as it was before the
# fidelity change (float32 lanes, commit 3ac686d) and as it is now (float64 lanes), alternately
# on the same 2^20 margins, best of 15, with `swiftc -O` (baseline x86-64, as SwiftPM builds).
# Needs the git history (it reads the old version with `git show`).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
old=3ac686db6d1adb38c83e3e9a207427c5874e3c60
strip='s/^    public init() {}//; s/    public var outputs: Int { 1 }//'
git show "$old:Sources/ShardTrain/LinearAlgebra/VectorMath.swift" | sed 's/public enum VectorMath/enum OldMath/' > "$work/old_math.swift"
git show "$old:Sources/ShardTrain/Models/LogisticLoss.swift" \
    | sed 's/public struct LogisticLoss: Loss/struct OldLoss/; s/VectorMath\./OldMath./g' | sed "$strip" > "$work/old_loss.swift"
sed 's/public enum VectorMath/enum NewMath/' Sources/ShardTrain/LinearAlgebra/VectorMath.swift > "$work/new_math.swift"
sed 's/public struct LogisticLoss: Loss/struct NewLoss/; s/VectorMath\./NewMath./g' Sources/ShardTrain/Models/LogisticLoss.swift \
    | sed '/public func loss(margins: UnsafeBufferPointer<Double>, target: Double) -> Double {/,+2d' | sed "$strip" > "$work/new_loss.swift"
swiftc -O -o "$work/loss-precision" benchmarks/loss-precision/main.swift "$work"/old_math.swift "$work"/old_loss.swift \
    "$work"/new_math.swift "$work"/new_loss.swift
"$work/loss-precision"
