/// Second-order information of the data term, for Newton's method: the Hessian of
/// `Σᵢ sᵢ·ℓ(Wᵀxᵢ + b, yᵢ)` at a point, applied to directions without ever being formed.
///
/// At a point, each row's loss has a `K × K` Hessian `Hᵢ` in its margins (a number for linear and
/// logistic regression). The data term's Hessian is `Σᵢ x̃ᵢ·sᵢHᵢ·x̃ᵢᵀ` with `x̃ᵢ = (xᵢ, 1)`, so a
/// product with a direction `V` (laid out as the parameters) costs one pass: the margins'
/// change `uᵢ = Vᵀx̃ᵢ`, then `Σᵢ x̃ᵢ·(sᵢHᵢuᵢ)ᵀ` — the fused gradient kernel with the loss's
/// derivative replaced by ``Loss/applyCurvature(_:to:weights:)``.
///
/// The per-row information (``Loss/curvature(margins:into:)``, `rows × K`) comes from the margins
/// at the point: from ``curvature(_:rows:workspace:)``, or kept by ``evaluate(_:rows:workspace:curvature:)``.
extension Objective {
    /// The per-row curvature at `parameters` over `range` (`range.count × K`): one margin pass.
    public func curvature(_ parameters: [Double], rows range: Range<Int>, workspace: inout KernelWorkspace) -> [Double] {
        precondition(parameters.count == parameterCount, "expected \(parameterCount) parameters, got \(parameters.count)")
        let k = outputs
        let w = parameters[0 ..< weightCount].map(Float.init), b = parameters[weightCount...].map(Float.init)
        var curvature = [Double](repeating: 0, count: range.count * k)
        let blockRows = workspace.blockRows
        workspace.margins.withUnsafeMutableBufferPointer { margins in
            w.withUnsafeBufferPointer { wp in
                b.withUnsafeBufferPointer { bp in
                    curvature.withUnsafeMutableBufferPointer { out in
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let end = min(start + blockRows, range.upperBound)
                            let block = UnsafeMutableBufferPointer(rebasing: margins[0 ..< (end - start) * k])
                            features.margins(rows: start ..< end, weights: wp, intercepts: bp, into: block)
                            let kept = (start - range.lowerBound) * k ..< (end - range.lowerBound) * k
                            loss.curvature(margins: UnsafeBufferPointer(block), into: UnsafeMutableBufferPointer(rebasing: out[kept]))
                            start = end
                        }
                    }
                }
            }
        }
        return curvature
    }

    /// The data term's Hessian over `range` times `direction`, at the point whose per-row
    /// `curvature` is given (`range.count × K`).
    /// - Complexity: one pass over the stored entries of those rows.
    public func hessianProduct(curvature: [Double], direction: [Double], rows range: Range<Int>,
                               workspace: inout KernelWorkspace) -> [Double] {
        precondition(direction.count == parameterCount, "expected \(parameterCount) direction entries, got \(direction.count)")
        precondition(curvature.count == range.count * outputs, "curvature must hold rows × K entries")
        let k = outputs
        let v = direction[0 ..< weightCount].map(Float.init)
        let vb = fitIntercept ? direction[weightCount...].map(Float.init) : [Float](repeating: 0, count: k)
        var product = [Double](repeating: 0, count: parameterCount)
        let loss = self.loss
        v.withUnsafeBufferPointer { vp in
            vb.withUnsafeBufferPointer { bp in
                product.withUnsafeMutableBufferPointer { out in
                    curvature.withUnsafeBufferPointer { cp in
                        _ = features.accumulateGradient(rows: range, weights: vp, intercepts: bp, gradient: out,
                                                        workspace: &workspace) { block, u, rows in
                            for i in 0 ..< block.count { u[i] = Double(block[i]) }
                            let kept = (rows.lowerBound - range.lowerBound) * k ..< (rows.upperBound - range.lowerBound) * k
                            let local = UnsafeBufferPointer(rebasing: cp[kept])
                            if let sampleWeights {
                                sampleWeights.withUnsafeBufferPointer { sp in
                                    loss.applyCurvature(local, to: u, weights: UnsafeBufferPointer(rebasing: sp[rows]))
                                }
                            } else {
                                loss.applyCurvature(local, to: u, weights: nil)
                            }
                            return 0
                        }
                    }
                }
            }
        }
        if !fitIntercept {
            for c in 0 ..< k { product[weightCount + c] = 0 }
        }
        return product
    }

    /// The diagonal of the data term's Hessian over `range` at the point whose per-row
    /// `curvature` is given: Newton's preconditioner.
    public func hessianDiagonal(curvature: [Double], rows range: Range<Int>, workspace: inout KernelWorkspace) -> [Double] {
        precondition(curvature.count == range.count * outputs, "curvature must hold rows × K entries")
        var rowDiagonals = [Double](repeating: 0, count: curvature.count)
        curvature.withUnsafeBufferPointer { cp in
            rowDiagonals.withUnsafeMutableBufferPointer { out in
                if let sampleWeights {
                    sampleWeights.withUnsafeBufferPointer { sp in
                        loss.curvatureDiagonal(cp, into: out, weights: UnsafeBufferPointer(rebasing: sp[range]))
                    }
                } else {
                    loss.curvatureDiagonal(cp, into: out, weights: nil)
                }
            }
        }
        var diagonal = features.squaredTransposedProduct(rows: range, rowValues: rowDiagonals, outputs: outputs,
                                                         workspace: &workspace)
        if !fitIntercept {
            for c in 0 ..< outputs { diagonal[weightCount + c] = 0 }
        }
        return diagonal
    }
}
