import CoreMetrics
import Prometheus

/// A swift-metrics factory over a swift-prometheus registry that gives every metric its help
/// text and histogram buckets, so that the exposition carries `# HELP` lines (promtool's lint
/// asks for them) and the code records through the plain swift-metrics API.
struct DescribedPrometheusFactory: MetricsFactory {
    struct Description: Sendable {
        var help: String
        var buckets: [Double] = []
    }

    let registry: PrometheusCollectorRegistry
    let descriptions: [String: Description]

    /// The full metric name is the label (no namespace or unit parts are added).
    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: descriptions[label]?.help ?? label)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        let buckets = descriptions[label]?.buckets ?? []
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions,
                                           buckets: buckets.isEmpty ? [1, 10, 100] : buckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let seconds = descriptions[label]?.buckets ?? [0.001, 0.01, 0.1, 1]
        return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions,
                                              buckets: seconds.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) })
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? Prometheus.Histogram<Double> { registry.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? Prometheus.Histogram<Duration> { registry.unregisterDurationHistogram(histogram) }
    }
}
