/// Scoring with int8 weights and int8 inputs.
///
/// With weight levels `q_w`, weight scale `s_k` of output `k`, input levels `q_x`, input scale
/// `s_x` and zero point `z_x`, the margin of a row is
/// `z_k = s_k·s_x·(Σⱼ q_w[k,j]·q_x[j] − z_x·Σⱼ q_w[k,j]) + b_k`: one int8 × int8 → int32 dot
/// product per row and output (``Int8Dot``), then one float multiply-add.
///
/// With int8 inputs in the standardized space (the levels stand for `u = (x − m) / σ`), the
/// weight levels are standardized too, so `Σⱼ W[k,j]·xⱼ = s_k·Σⱼ q_w[k,j]·uⱼ + Σⱼ W[k,j]·mⱼ`:
/// the same dot product, and the last sum folded into the intercept once.
extension LinearModel {
    /// The margins (`rows × K`, row-major) of a batch that is already quantized.
    /// - Throws: ``TrainingError/Code/badData`` when the model has no input quantization, the
    ///   batch was quantized with other parameters, or its width differs from the model's.
    public func margins(quantized batch: QuantizedMatrix) throws(TrainingError) -> [Double] {
        guard let quantization, let input = quantization.input else {
            throw TrainingError(.badData, "the model has no input quantization; score float features instead")
        }
        guard batch.quantization == input else {
            throw TrainingError(.badData, "the batch was quantized with scale \(batch.quantization.scale), zero point "
                                    + "\(batch.quantization.zeroPoint)\(batch.quantization.standardization == nil ? "" : " on standardized values")"
                                    + ", the model expects \(input.scale), \(input.zeroPoint)\(input.standardization == nil ? "" : " on standardized values")")
        }
        guard batch.columns == featureCount else {
            throw TrainingError(.badData, "the data has \(batch.columns) features but the model was trained on \(featureCount)")
        }
        var out = [Double](repeating: 0, count: batch.rows * outputs)
        batch.values.withUnsafeBufferPointer { xp in
            let scorer = Int8Scorer(model: self, weights: quantization, input: input)
            for i in 0 ..< batch.rows {
                scorer.scoreDenseRow(xp.baseAddress! + i * featureCount, into: &out, at: i * outputs)
            }
        }
        return out
    }

    /// The margins of float features through the int8 path: each row is quantized with the
    /// model's input quantization, then scored as in ``margins(quantized:)``. Sparse rows are
    /// scored over their stored entries only (a zero is exactly the zero point).
    func int8Margins(_ features: FeatureMatrix, weights: QuantizedWeights, input: InputQuantization) -> [Double] {
        let scorer = Int8Scorer(model: self, weights: weights, input: input)
        var out = [Double](repeating: 0, count: features.rows * outputs)
        switch features {
        case .dense(let matrix):
            var row = [Int8](repeating: 0, count: featureCount)
            matrix.values.withUnsafeBufferPointer { xp in
                row.withUnsafeMutableBufferPointer { rp in
                    for i in 0 ..< matrix.rows {
                        input.quantize(row: xp.baseAddress! + i * matrix.columns, into: rp.baseAddress!, count: featureCount)
                        scorer.scoreDenseRow(UnsafePointer(rp.baseAddress!), into: &out, at: i * outputs)
                    }
                }
            }
        case .sparse(let matrix):
            for i in 0 ..< matrix.rows {
                scorer.scoreSparseRow(matrix, row: i, into: &out, at: i * outputs)
            }
        }
        return out
    }
}

/// The per-model constants of int8 scoring: levels (widened to 16 bits for ``Int8Dot``),
/// combined scales and zero-point corrections.
private struct Int8Scorer {
    let levels: [Int16]
    let featureCount: Int
    let outputs: Int
    /// `s_k · s_x` per output.
    let scales: [Double]
    /// `z_x · Σⱼ q_w[k, j]` per output.
    let corrections: [Int64]
    /// `b_k`, plus `Σⱼ W[k,j]·mⱼ` for standardized inputs.
    let intercepts: [Double]
    let input: InputQuantization
    /// For sparse rows: the level of a value a row does not store, per feature (all the zero
    /// point without a standardization), and `Σⱼ q_w[k,j]·(missing_j − z_x)` per output.
    let missingLevels: [Int64]
    let missingSums: [Int64]

    init(model: LinearModel, weights: QuantizedWeights, input: InputQuantization) {
        let d = model.featureCount
        levels = weights.values.map(Int16.init)
        featureCount = d
        outputs = model.outputs
        scales = (0 ..< model.outputs).map { Double(weights.scale(ofOutput: $0)) * Double(input.scale) }
        corrections = (0 ..< model.outputs).map { k in
            Int64(input.zeroPoint) * weights.values[k * d ..< (k + 1) * d].reduce(Int64(0)) { $0 + Int64($1) }
        }
        if let standardization = input.standardization {
            intercepts = (0 ..< model.outputs).map { k in
                model.intercepts[k] + (0 ..< d).reduce(0.0) { $0 + model.weights[k * d + $1] * standardization.means[$1] }
            }
        } else {
            intercepts = model.intercepts
        }
        self.input = input
        let missing = (0 ..< d).map { Int64(input.level(ofMissingIn: $0)) }
        missingLevels = missing
        missingSums = (0 ..< model.outputs).map { k in
            (0 ..< d).reduce(Int64(0)) { $0 + Int64(weights.values[k * d + $1]) * (missing[$1] - Int64(input.zeroPoint)) }
        }
    }

    /// Scores one dense row of `featureCount` levels into `out[offset ..< offset + K]`.
    @inline(__always)
    func scoreDenseRow(_ row: UnsafePointer<Int8>, into out: inout [Double], at offset: Int) {
        levels.withUnsafeBufferPointer { wp in
            for k in 0 ..< outputs {
                let w = wp.baseAddress! + k * featureCount
                let dot = featureCount <= Int8Dot.maximumCount
                    ? Int64(Int8Dot.dot(w, row, count: featureCount))
                    : Int8Dot.longDot(w, row, count: featureCount)
                out[offset + k] = scales[k] * Double(dot - corrections[k]) + intercepts[k]
            }
        }
    }

    /// Scores row `i` of a CSR matrix: `Σ q_w[k, j]·(q_x − z_x)` over all features, as the
    /// sum for a row of missing values plus the change each stored entry makes (columns
    /// beyond the model's features are ignored: their weight is zero).
    func scoreSparseRow(_ matrix: SparseMatrix, row i: Int, into out: inout [Double], at offset: Int) {
        for k in 0 ..< outputs {
            var sum = missingSums[k]
            for position in matrix.rowOffsets[i] ..< matrix.rowOffsets[i + 1] {
                let j = Int(matrix.columnIndices[position])
                guard j < featureCount else { continue }
                let level = Int64(input.quantize(matrix.values[position], column: j)) - missingLevels[j]
                sum += Int64(levels[k * featureCount + j]) * level
            }
            out[offset + k] = scales[k] * Double(sum) + intercepts[k]
        }
    }
}
