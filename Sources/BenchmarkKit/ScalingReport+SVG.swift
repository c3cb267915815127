import Foundation

/// The scaling report as an SVG picture: speed-up against workers with the ideal line (left),
/// and each worker count's time per pass split into its parts, with the bandwidth floor
/// (right).
extension ScalingReport {
    public func svg() -> String {
        let width = 1000.0, height = 380.0
        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            text(x: width / 2, y: 20, escape("Scaling: \(dataset)"), anchor: "middle", size: 14),
        ]
        out += speedupPanel(Frame(x: 70, y: 50, width: 340, height: 270))
        out += breakdownPanel(Frame(x: 540, y: 50, width: 300, height: 270))
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    private struct Frame {
        var x: Double, y: Double, width: Double, height: Double
        var bottom: Double { y + height }
        var right: Double { x + width }
    }

    private func speedupPanel(_ f: Frame) -> [String] {
        let counts = measurements.map(\.workers)
        let maxWorkers = Double(counts.max() ?? 1)
        let top = max(maxWorkers, measurements.map { speedup(of: $0) }.max() ?? 1)
        func px(_ workers: Double) -> Double { f.x + (workers - 1) / max(maxWorkers - 1, 1) * f.width }
        func py(_ value: Double) -> Double { f.bottom - value / top * f.height }
        var out = axes(f, title: "speed-up vs workers", xLabel: "workers", yLabel: "speed-up")
        if Double(cores) < maxWorkers {
            let start = px(Double(cores))
            out.append("<rect x=\"\(start)\" y=\"\(f.y)\" width=\"\(f.right - start)\" height=\"\(f.height)\" fill=\"#f3e6e6\"/>")
            out.append(text(x: (start + f.right) / 2, y: f.y + 14, "oversubscribed", anchor: "middle", size: 11))
        }
        for tick in Set(counts).sorted() {
            out.append(text(x: px(Double(tick)), y: f.bottom + 16, "\(tick)", anchor: "middle"))
        }
        for step in 0 ... 4 {
            let value = top * Double(step) / 4
            out.append(text(x: f.x - 6, y: py(value) + 4, String(format: "%.1f", value), anchor: "end"))
        }
        out.append("<line x1=\"\(px(1))\" y1=\"\(py(1))\" x2=\"\(px(maxWorkers))\" y2=\"\(py(maxWorkers))\" stroke=\"#888\" stroke-dasharray=\"5,4\"/>")
        out.append(text(x: px(maxWorkers) - 8, y: py(maxWorkers) + 28, "ideal", anchor: "end", size: 11))
        let points = measurements.map { "\(px(Double($0.workers))),\(py(speedup(of: $0)))" }
        out.append("<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>")
        for m in measurements {
            out.append("<circle cx=\"\(px(Double(m.workers)))\" cy=\"\(py(speedup(of: m)))\" r=\"4\" fill=\"#1f77b4\"/>")
        }
        return out
    }

    private func breakdownPanel(_ f: Frame) -> [String] {
        let parts: [(String, String, (ScalingMeasurement.Breakdown) -> Double)] = [
            ("compute", "#1f77b4", \.compute), ("communication", "#ff7f0e", \.communication),
            ("reduce", "#2ca02c", \.reduce), ("coordinator", "#9e9e9e", \.coordinator),
        ]
        let top = max(measurements.map { max($0.breakdown.total, $0.floorSecondsPerPass) }.max() ?? 1, 1e-9) * 1.1
        func py(_ value: Double) -> Double { f.bottom - value / top * f.height }
        var out = axes(f, title: "time per pass (s)", xLabel: "workers", yLabel: "seconds")
        for step in 0 ... 4 {
            let value = top * Double(step) / 4
            out.append(text(x: f.x - 6, y: py(value) + 4, format(value, digits: 2), anchor: "end"))
        }
        let slot = f.width / Double(max(measurements.count, 1))
        for (index, m) in measurements.enumerated() {
            let x = f.x + slot * (Double(index) + 0.2), barWidth = slot * 0.6
            var base = 0.0
            let b = m.breakdown
            for (_, color, part) in parts {
                let value = part(b)
                out.append("<rect x=\"\(x)\" y=\"\(py(base + value))\" width=\"\(barWidth)\" height=\"\(max(0, py(base) - py(base + value)))\" fill=\"\(color)\"/>")
                base += value
            }
            let floor = py(m.floorSecondsPerPass)
            out.append("<line x1=\"\(x - 3)\" y1=\"\(floor)\" x2=\"\(x + barWidth + 3)\" y2=\"\(floor)\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"4,2\"/>")
            out.append(text(x: x + barWidth / 2, y: f.bottom + 16, m.oversubscribed ? "\(m.workers)*" : "\(m.workers)", anchor: "middle"))
        }
        for (index, part) in parts.enumerated() {
            let y = f.y + 8 + Double(index) * 18
            out.append("<rect x=\"\(f.right + 14)\" y=\"\(y)\" width=\"12\" height=\"12\" fill=\"\(part.1)\"/>")
            out.append(text(x: f.right + 32, y: y + 10, part.0, anchor: "start", size: 11))
        }
        let y = f.y + 8 + Double(parts.count) * 18
        out.append("<line x1=\"\(f.right + 14)\" y1=\"\(y + 6)\" x2=\"\(f.right + 26)\" y2=\"\(y + 6)\" stroke=\"#d62728\" stroke-width=\"2\"/>")
        out.append(text(x: f.right + 32, y: y + 10, "bandwidth floor", anchor: "start", size: 11))
        if measurements.contains(where: \.oversubscribed) {
            out.append(text(x: f.right + 14, y: y + 28, "* oversubscribed", anchor: "start", size: 11))
        }
        return out
    }

    private func axes(_ f: Frame, title: String, xLabel: String, yLabel: String) -> [String] {
        [
            "<line x1=\"\(f.x)\" y1=\"\(f.bottom)\" x2=\"\(f.right)\" y2=\"\(f.bottom)\" stroke=\"black\"/>",
            "<line x1=\"\(f.x)\" y1=\"\(f.y)\" x2=\"\(f.x)\" y2=\"\(f.bottom)\" stroke=\"black\"/>",
            text(x: f.x + f.width / 2, y: f.y - 10, title, anchor: "middle", size: 13),
            text(x: f.x + f.width / 2, y: f.bottom + 34, xLabel, anchor: "middle"),
            "<text x=\"\(f.x - 58)\" y=\"\(f.y + f.height / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 \(f.x - 58) \(f.y + f.height / 2))\">\(yLabel)</text>",
        ]
    }

    private func text(x: Double, y: Double, _ content: String, anchor: String, size: Int = 12) -> String {
        "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"\(anchor)\" font-size=\"\(size)\">\(content)</text>"
    }

    private func escape(_ raw: String) -> String {
        raw.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
