import Logging
import ServiceLifecycle

/// Polls the model sources for new, changed or removed files (hot reload), and watches the
/// drift windows, logging a warning when a feature or the score crosses into the significant
/// band (PSI above 0.25) and again when it comes back.
struct ModelWatcher: Service {
    let repository: ModelRepository
    let metrics: ServingMetrics
    let interval: Duration
    let logger: Logger
    /// Rows a window needs before its PSI is trusted enough to warn about.
    let minimumWindowRows: Int

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var drifting: [String: Set<Int>] = [:]
            var lastDriftCheck = ContinuousClock.now
            while !Task.isCancelled {
                refreshOnce()
                if ContinuousClock.now - lastDriftCheck >= .seconds(5) {
                    lastDriftCheck = ContinuousClock.now
                    checkDrift(&drifting)
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }

    /// One look at the sources: logs and counts what changed.
    func refreshOnce() {
        let events = repository.refresh()
        guard !events.isEmpty else { return }
        for event in events {
            switch event {
            case .loaded(let name, let version, let seconds):
                logger.info("serving model \(name) version \(version) (read and checked in \(String(format: "%.3f", seconds)) s)")
            case .refused(let name, let path, let reason):
                logger.error("model \(name): refused \(path), the served version stays: \(reason)")
            case .unloaded(let name, let version):
                logger.info("model \(name) version \(version) is gone from disk and no longer served")
            }
        }
        metrics.served(repository.snapshot, events: events)
    }

    /// Index -1 stands for the score.
    private func checkDrift(_ drifting: inout [String: Set<Int>]) {
        for model in repository.snapshot.values.compactMap(\.last) {
            guard let window = model.drift else { continue }
            let report = window.report()
            guard report.rows >= min(minimumWindowRows, window.capacity) else { continue }
            var now = Set(report.featurePSI.indices.filter { report.featurePSI[$0] > 0.25 })
            if report.scorePSI > 0.25 { now.insert(-1) }
            let before = drifting[model.name] ?? []
            for index in now.subtracting(before).sorted() {
                let what = index < 0 ? "the score" : "feature \(report.featureNumbers[index])"
                let psi = index < 0 ? report.scorePSI : report.featurePSI[index]
                logger.warning("drift: model \(model.name) \(what) has PSI \(String(format: "%.3f", psi)) over the last \(report.rows) rows (> 0.25: significant shift)")
            }
            for index in before.subtracting(now).sorted() {
                logger.info("drift: model \(model.name) \(index < 0 ? "the score" : "feature \(report.featureNumbers[index])") is back under PSI 0.25")
            }
            drifting[model.name] = now
        }
    }
}
