import ShardTrain

/// `GET /v2/models/{m}/drift`: the drift window's PSI per feature and for the score, with the
/// bands they fall in.
enum DriftReport {
    static let bands = "{\"stable\":\"< 0.1\",\"moderate\":\"0.1 to 0.25\",\"significant\":\"> 0.25\"}"

    static func band(_ psi: Double) -> String {
        psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "significant"
    }

    static func json(_ served: ServedModel) -> String {
        var text = "{\"model_name\":\(ResponseJSON.string(served.name)),\"model_version\":\"\(served.version)\""
        guard let window = served.drift, let profile = served.profile else {
            return text + ",\"profile\":false,\"message\":\"the model file has no reference profile (train writes one); retrain to monitor drift\"}"
        }
        let report = window.report()
        text += ",\"profile\":true,\"window_rows\":\(report.rows),\"window_capacity\":\(window.capacity),\"rows_seen\":\(report.seen)"
        text += ",\"reference_rows\":\(profile.rows),\"bands\":\(bands)"
        text += ",\"score\":{\"name\":\(ResponseJSON.string(profile.scoreName)),\"psi\":\(ResponseJSON.number(report.scorePSI)),\"band\":\"\(band(report.scorePSI))\"}"
        let numbers = report.featureNumbers
        let drifting = zip(numbers, report.featurePSI).filter { $0.1 > 0.25 }.map(\.0)
        text += ",\"significant_features\":[\(drifting.map(String.init).joined(separator: ","))]"
        text += ",\"profiled_features\":\(numbers.count),\"features\":["
        for (k, (number, psi)) in zip(numbers, report.featurePSI).enumerated() {
            if k > 0 { text += "," }
            text += "{\"feature\":\(number),\"psi\":\(ResponseJSON.number(psi)),\"band\":\"\(band(psi))\"}"
        }
        return text + "]}"
    }
}
