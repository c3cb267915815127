/// The profile as JSON text, stored in the model file's `reference_profile` metadata entry:
/// `{"rows": N, "score_name": "probability", "score": [[edges], [shares]],
///   "features": [[[edges], [shares]], …]}`, with `"feature_indices": [j, …]` (0-based,
/// ascending, one per entry of `features`) when the profile covers only some features.
extension ReferenceProfile {
    /// Why a stored profile could not be read.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The profile as compact JSON.
    public var json: String {
        func bins(_ b: Bins) -> String {
            "[[" + b.edges.map(JSONText.number).joined(separator: ",") + "],["
                + b.expected.map(JSONText.number).joined(separator: ",") + "]]"
        }
        var text = "{\"rows\":\(rows),\"score_name\":\(JSONText.quoted(scoreName)),\"score\":\(bins(score)),"
        if let featureIndices { text += "\"feature_indices\":[" + featureIndices.map(String.init).joined(separator: ",") + "]," }
        text += "\"features\":["
        text.reserveCapacity(features.count * 24)
        for (i, feature) in features.enumerated() {
            if i > 0 { text += "," }
            text += bins(feature)
        }
        return text + "]}"
    }

    /// Reads a profile written by ``json``, checking every part.
    /// - Parameter featureCount: the model's feature count, which the profile must match.
    public init(json text: String, featureCount: Int) throws(FormatError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw FormatError(description: "reference_profile is not valid JSON at byte \(error.offset): \(error.message)")
        }
        guard case .object(let fields) = value else { throw FormatError(description: "reference_profile is not a JSON object") }
        func field(_ name: String) throws(FormatError) -> JSONValue {
            guard let found = fields.first(where: { $0.key == name }) else {
                throw FormatError(description: "reference_profile has no \"\(name)\"")
            }
            return found.value
        }
        func bins(_ value: JSONValue, _ what: String) throws(FormatError) -> Bins {
            guard case .array(let pair) = value, pair.count == 2, case .array(let edges) = pair[0], case .array(let shares) = pair[1] else {
                throw FormatError(description: "reference_profile: \(what) is not [[edges], [shares]]")
            }
            guard edges.count <= ReferenceProfile.maximumEdges else {
                throw FormatError(description: "reference_profile: \(what) has \(edges.count) cut points; at most \(ReferenceProfile.maximumEdges)")
            }
            let e = edges.compactMap(\.finiteDouble), s = shares.compactMap(\.finiteDouble)
            guard e.count == edges.count, s.count == shares.count, !e.isEmpty, s.count == e.count + 1,
                  zip(e, e.dropFirst()).allSatisfy({ $0 < $1 }), s.allSatisfy({ $0 >= 0 }), abs(s.reduce(0, +) - 1) < 1e-6
            else {
                throw FormatError(description: "reference_profile: \(what) needs ascending finite edges and one more share than edges, summing to 1")
            }
            return Bins(edges: e, expected: s)
        }
        guard let rows = try field("rows").nonNegativeInteger, rows > 0 else {
            throw FormatError(description: "reference_profile: rows is not a positive integer")
        }
        guard case .string(let name) = try field("score_name") else {
            throw FormatError(description: "reference_profile: score_name is not a string")
        }
        guard case .array(let list) = try field("features") else {
            throw FormatError(description: "reference_profile: features is not an array")
        }
        guard list.count <= ReferenceProfile.maximumFeatures else {
            throw FormatError(description: "reference_profile covers \(list.count) features; at most \(ReferenceProfile.maximumFeatures)")
        }
        var indices: [Int]? = nil
        if let entry = fields.first(where: { $0.key == "feature_indices" }) {
            guard case .array(let items) = entry.value else {
                throw FormatError(description: "reference_profile: feature_indices is not an array")
            }
            let values = items.compactMap(\.nonNegativeInteger)
            guard values.count == items.count, zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }),
                  values.allSatisfy({ $0 < featureCount }) else {
                throw FormatError(description: "reference_profile: feature_indices must be ascending feature indices below \(featureCount)")
            }
            guard values.count == list.count else {
                throw FormatError(description: "reference_profile has \(list.count) features for \(values.count) feature_indices")
            }
            indices = values
        } else if list.count != featureCount {
            throw FormatError(description: "reference_profile has \(list.count) features, the model \(featureCount)")
        }
        var features: [Bins] = []
        features.reserveCapacity(list.count)
        for (i, item) in list.enumerated() { features.append(try bins(item, "feature \((indices?[i] ?? i) + 1)")) }
        self.init(scoreName: name, features: features, featureIndices: indices, score: try bins(try field("score"), "score"), rows: rows)
    }
}

extension LinearModel {
    /// The reference profile stored with the model (`reference_profile` metadata), if any.
    public func referenceProfile() throws(ReferenceProfile.FormatError) -> ReferenceProfile? {
        guard let text = metadata[ModelFile.referenceProfileKey] else { return nil }
        return try ReferenceProfile(json: text, featureCount: featureCount)
    }
}
