extension ModelFile {
    /// Checks that the number of outputs and the class labels fit `kind`:
    /// linear — 1 output, no classes; logistic — 1 output, 2 classes;
    /// softmax — one output per class, at least 2 classes. Labels are finite and distinct.
    /// - Throws: ``ModelFileError/Code/inconsistent`` or ``ModelFileError/Code/nonFinite``.
    static func checkShape(kind: ModelKind, outputs: Int, classes: [Double], source: String) throws(ModelFileError) {
        func fail(_ message: String) -> ModelFileError {
            ModelFileError(.inconsistent, path: source, "a \(kind.rawValue) model " + message)
        }
        switch kind {
        case .linear:
            guard outputs == 1 else { throw fail("has 1 output, found \(outputs)") }
            guard classes.isEmpty else { throw fail("has no classes, found \(classes.count)") }
        case .logistic:
            guard outputs == 1 else { throw fail("has 1 output, found \(outputs)") }
            guard classes.count == 2 else { throw fail("has 2 classes, found \(classes.count)") }
        case .softmax:
            guard classes.count >= 2 else { throw fail("has at least 2 classes, found \(classes.count)") }
            guard outputs == classes.count else {
                throw fail("has one output per class, found \(outputs) outputs for \(classes.count) classes")
            }
        }
        try requireFinite(classes, name: Key.classes, source: source)
        guard Set(classes).count == classes.count else {
            throw ModelFileError(.inconsistent, path: source, "classes \(classes) has repeated labels, expected distinct labels")
        }
    }

    /// Throws ``ModelFileError/Code/nonFinite`` naming the first NaN or infinite value of `values`.
    static func requireFinite(_ values: some Collection<Double>, name: String, source: String) throws(ModelFileError) {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            let position = values.distance(from: values.startIndex, to: index)
            throw ModelFileError(.nonFinite, path: source,
                                 "\(name) holds \(values[index]) at index \(position), expected finite values")
        }
    }

    /// Throws ``ModelFileError/Code/nonFinite`` when a value of `values` is not finite or does
    /// not fit in a 32-bit float (those are stored as F32).
    static func requireFiniteAsFloat(_ values: [Double], name: String, source: String) throws(ModelFileError) {
        try requireFinite(values, name: name, source: source)
        if let index = values.firstIndex(where: { !Float($0).isFinite }) {
            throw ModelFileError(.nonFinite, path: source,
                                 "\(name) holds \(values[index]) at index \(index), beyond the range of the 32-bit floats it is stored as")
        }
    }
}
