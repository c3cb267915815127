import CoreMetrics
import Foundation
import Prometheus
import ShardTrain
import Synchronization

/// The server's Prometheus metrics, recorded through swift-metrics and exposed at `/metrics`
/// in the text exposition format. Names follow Prometheus conventions: `_total` for counters,
/// base units (`_seconds`, `_bytes`), a `_info` gauge of 1 carrying the served versions.
final class ServingMetrics: Sendable {
    static let descriptions: [String: DescribedPrometheusFactory.Description] = [
        "shardtrain_requests_total": .init(help: "HTTP requests by model, endpoint and status code."),
        "shardtrain_request_duration_seconds": .init(
            help: "Time from a request's arrival to its response, by model and endpoint.",
            buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]),
        "shardtrain_request_rows": .init(help: "Rows scored per request, by model.",
                                         buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000]),
        "shardtrain_predictions_total": .init(help: "Rows scored, by model and predicted class (classifiers)."),
        "shardtrain_prediction_score": .init(
            help: "The score of each scored row, by model: the positive class's probability (logistic), the predicted class's probability (softmax) or the predicted value (linear).",
            buckets: [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1]),
        "shardtrain_model_load_seconds": .init(help: "Seconds it took to read and check the served version of each model."),
        "shardtrain_model_info": .init(help: "Always 1; the labels say which version of each model is served, its kind and feature count."),
        "shardtrain_model_reloads_total": .init(help: "Model files read after a change, by model and result (loaded or refused)."),
        "shardtrain_feature_psi": .init(help: "Population stability index of one feature over the drift window against the training profile."),
        "shardtrain_score_psi": .init(help: "Population stability index of the model's score over the drift window against the training profile."),
        "shardtrain_drift_window_rows": .init(help: "Rows in each model's drift window."),
        "process_resident_memory_bytes": .init(help: "Resident memory of the server process in bytes."),
        "process_start_time_seconds": .init(help: "Start time of the server process since the Unix epoch in seconds."),
    ]

    let registry = PrometheusCollectorRegistry()
    let factory: DescribedPrometheusFactory
    /// Features above this count publish a PSI series only while they drift (PSI ≥ 0.1), to keep
    /// the number of series bounded.
    static let allFeaturesUpTo = 1_000
    private let state = Mutex<State>(State())
    /// The per-request handles, made once per label set (making one goes through the registry's
    /// lock and name checks).
    private let counters = HandleCache<CoreMetrics.Counter>()
    private let timers = HandleCache<CoreMetrics.Timer>()
    private let recorders = HandleCache<CoreMetrics.Recorder>()

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        counters.handle(label, dimensions) { CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        timers.handle(label, dimensions) { CoreMetrics.Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    private func recorder(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Recorder {
        recorders.handle(label, dimensions) { CoreMetrics.Recorder(label: label, dimensions: dimensions, factory: factory) }
    }

    private struct State {
        var info: [String: CoreMetrics.Gauge] = [:]
        var featureGauges: [String: [Int: CoreMetrics.Gauge]] = [:]
    }

    init() {
        factory = DescribedPrometheusFactory(registry: registry, descriptions: Self.descriptions)
        CoreMetrics.Gauge(label: "process_start_time_seconds", factory: factory).record(Date().timeIntervalSince1970)
    }

    func request(model: String, endpoint: String, status: Int, duration: Duration) {
        counter("shardtrain_requests_total", [("model", model), ("endpoint", endpoint), ("status", String(status))]).increment()
        timer("shardtrain_request_duration_seconds", [("model", model), ("endpoint", endpoint)])
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func scored(model: ServedModel, prediction: Prediction) {
        let name = model.name
        recorder("shardtrain_request_rows", [("model", name)]).record(prediction.labels.count)
        if prediction.classes > 0 {
            var counts: [Double: Int] = [:]
            for label in prediction.labels { counts[label, default: 0] += 1 }
            for (label, count) in counts {
                counter("shardtrain_predictions_total", [("model", name), ("class", LabelEncoding.format(label))]).increment(by: count)
            }
            let scores = recorder("shardtrain_prediction_score", [("model", name)])
            for score in prediction.scores { scores.record(score) }
        } else {
            counter("shardtrain_predictions_total", [("model", name), ("class", "")]).increment(by: prediction.labels.count)
        }
    }

    /// After a refresh: the load time and `_info` series of what is served now.
    func served(_ snapshot: [String: [ServedModel]], events: [ModelRepository.Event]) {
        for event in events {
            switch event {
            case .loaded(let name, _, _):
                CoreMetrics.Counter(label: "shardtrain_model_reloads_total", dimensions: [("model", name), ("result", "loaded")], factory: factory).increment()
            case .refused(let name, _, _):
                CoreMetrics.Counter(label: "shardtrain_model_reloads_total", dimensions: [("model", name), ("result", "refused")], factory: factory).increment()
            case .unloaded:
                break
            }
        }
        state.withLock { s in
            for gauge in s.info.values { gauge.destroy() }
            s.info = [:]
            for (name, versions) in snapshot {
                for model in versions {
                    let key = "\(name)/\(model.version)"
                    let gauge = CoreMetrics.Gauge(label: "shardtrain_model_info",
                                      dimensions: [("model", name), ("version", String(model.version)), ("kind", model.model.kind.rawValue),
                                                   ("features", String(model.model.featureCount))], factory: factory)
                    gauge.record(1)
                    s.info[key] = gauge
                    CoreMetrics.Gauge(label: "shardtrain_model_load_seconds", dimensions: [("model", name), ("version", String(model.version))],
                          factory: factory).record(model.loadSeconds)
                }
            }
        }
    }

    /// The exposition text, with the gauges that are read at scrape time brought up to date.
    func exposition(latest: [ServedModel]) -> [UInt8] {
        CoreMetrics.Gauge(label: "process_resident_memory_bytes", factory: factory).record(Self.residentBytes())
        state.withLock { s in
            for model in latest {
                guard let window = model.drift else { continue }
                let report = window.report()
                CoreMetrics.Gauge(label: "shardtrain_drift_window_rows", dimensions: [("model", model.name)], factory: factory).record(report.rows)
                CoreMetrics.Gauge(label: "shardtrain_score_psi", dimensions: [("model", model.name)], factory: factory).record(report.scorePSI)
                var gauges = s.featureGauges[model.name] ?? [:]
                let everyFeature = report.featurePSI.count <= Self.allFeaturesUpTo
                for (j, psi) in report.featurePSI.enumerated() where everyFeature || psi >= 0.1 || gauges[j] != nil {
                    if !everyFeature, psi < 0.1, let gauge = gauges[j] {
                        gauge.destroy()
                        gauges[j] = nil
                        continue
                    }
                    let gauge = gauges[j] ?? CoreMetrics.Gauge(label: "shardtrain_feature_psi", dimensions: [("model", model.name), ("feature", String(report.featureNumbers[j]))],
                                                   factory: factory)
                    gauge.record(psi)
                    gauges[j] = gauge
                }
                s.featureGauges[model.name] = gauges
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    /// Resident set size from `/proc/self/statm` (pages × page size); 0 where it is not there.
    static func residentBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// Metric handles by label and dimensions, made on first use.
final class HandleCache<Handle: AnyObject & Sendable>: Sendable {
    private let handles = Mutex<[String: Handle]>([:])

    func handle(_ label: String, _ dimensions: [(String, String)], make: () -> Handle) -> Handle {
        var key = label
        for (name, value) in dimensions { key += "\u{1}" + name + "\u{2}" + value }
        if let found = handles.withLock({ $0[key] }) { return found }
        let made = make()
        handles.withLock { $0[key] = made }
        return made
    }
}
