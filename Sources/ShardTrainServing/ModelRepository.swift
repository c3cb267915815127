import Foundation
import Synchronization

/// The models the server holds, by name and version, and how they are refreshed from disk.
///
/// `refresh()` looks at every source: a new or changed file is read and checked, then swapped in
/// under a lock (requests take a reference and finish on what they took); a file that fails the
/// checks is refused and the version it would have replaced keeps serving. Versions whose
/// folders are gone are dropped, as TF Serving does.
public final class ModelRepository: Sendable {
    public let sources: [ModelSource]
    let windowRows: Int
    private let state = Mutex<State>(State())

    private struct State {
        var models: [String: [Int: ServedModel]] = [:]
        /// Files that failed, by path, so that the same bad file is reported once.
        var refused: [String: FileIdentity] = [:]
        /// Generation of each single-file source, raised on every successful reload.
        var generations: [String: Int] = [:]
    }

    /// What a refresh did, for the log and the metrics.
    public enum Event: Sendable, Equatable {
        case loaded(name: String, version: Int, seconds: Double)
        case refused(name: String, path: String, reason: String)
        case unloaded(name: String, version: Int)
    }

    public init(sources: [ModelSource], windowRows: Int = 10_000) {
        self.sources = sources
        self.windowRows = windowRows
    }

    /// Every served version, by model name, highest version last.
    public var snapshot: [String: [ServedModel]] {
        state.withLock { s in s.models.mapValues { $0.values.sorted { $0.version < $1.version } } }
    }

    /// Whether a model of this name has a version to serve.
    public func serves(_ name: String) -> Bool {
        state.withLock { !($0.models[name]?.isEmpty ?? true) }
    }

    /// Whether every source has a version to serve.
    public var isReady: Bool {
        state.withLock { s in sources.allSatisfy { !(s.models[$0.name]?.isEmpty ?? true) } }
    }

    /// The model `name` at `version`, or its latest version.
    public func model(named name: String, version: Int? = nil) throws(ServingError) -> ServedModel {
        let versions = state.withLock { $0.models[name] }
        guard let versions, !versions.isEmpty else {
            let served = state.withLock { $0.models.keys.sorted() }
            throw ServingError.notFound("model \"\(name)\" is not served here (served: \(served.isEmpty ? "none" : served.joined(separator: ", ")))")
        }
        if let version {
            guard let found = versions[version] else {
                let list = versions.keys.sorted().map(String.init).joined(separator: ", ")
                throw ServingError.notFound("model \"\(name)\" has no version \(version) (versions: \(list))")
            }
            return found
        }
        return versions[versions.keys.max()!]!
    }

    /// Looks at every source once; returns what changed.
    @discardableResult
    public func refresh() -> [Event] {
        var events: [Event] = []
        for source in sources {
            switch source {
            case .file(let name, let path):
                refreshFile(name: name, path: path, events: &events)
            case .directory(let name, let path):
                refreshDirectory(name: name, path: path, events: &events)
            }
        }
        return events
    }

    private func refreshFile(name: String, path: String, events: inout [Event]) {
        let current = state.withLock { $0.models[name]?.values.first }
        guard let identity = FileIdentity(path: path) else {
            if current == nil { refuse(name: name, path: path, identity: nil, reason: "\(path): no such file", events: &events) }
            return
        }
        if current?.identity == identity || isRefused(path, identity) { return }
        let generation = state.withLock { ($0.generations[name] ?? 0) + 1 }
        do {
            let loaded = try ServedModel.load(name: name, version: generation, path: path, windowRows: windowRows)
            state.withLock { s in
                s.models[name] = [generation: loaded]
                s.generations[name] = generation
                s.refused[path] = nil
            }
            events.append(.loaded(name: name, version: generation, seconds: loaded.loadSeconds))
        } catch {
            refuse(name: name, path: path, identity: identity, reason: error.message, events: &events)
        }
    }

    private func refreshDirectory(name: String, path: String, events: inout [Event]) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            if state.withLock({ $0.models[name] == nil }) {
                refuse(name: name, path: path, identity: nil, reason: "\(path): not a readable folder", events: &events)
            }
            return
        }
        let versions = entries.compactMap { entry -> Int? in
            guard let number = Int(entry), number >= 0, String(number) == entry else { return nil }
            return number
        }
        let present = Set(versions)
        for version in versions.sorted() {
            let folder = path + "/" + String(version)
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { !$0.hasPrefix(".") && FileIdentity(path: folder + "/" + $0) != nil }
            guard files.count == 1, let file = files.first else {
                // An empty folder is a version being put in place: wait for its file.
                if files.count > 1 {
                    refuse(name: name, path: folder, identity: FileIdentity(path: folder + "/" + files.sorted()[0]),
                           reason: "\(folder): holds \(files.count) files, expected one model file", events: &events)
                }
                continue
            }
            let filePath = folder + "/" + file
            guard let identity = FileIdentity(path: filePath) else { continue }
            let current = state.withLock { $0.models[name]?[version] }
            if current?.identity == identity || isRefused(filePath, identity) { continue }
            do {
                let loaded = try ServedModel.load(name: name, version: version, path: filePath, windowRows: windowRows)
                state.withLock { s in
                    s.models[name, default: [:]][version] = loaded
                    s.refused[filePath] = nil
                }
                events.append(.loaded(name: name, version: version, seconds: loaded.loadSeconds))
            } catch {
                refuse(name: name, path: filePath, identity: identity, reason: error.message, events: &events)
            }
        }
        let gone = state.withLock { s -> [Int] in
            let stale = (s.models[name] ?? [:]).keys.filter { !present.contains($0) }
            for version in stale { s.models[name]?[version] = nil }
            return stale.sorted()
        }
        events += gone.map { .unloaded(name: name, version: $0) }
    }

    private func isRefused(_ path: String, _ identity: FileIdentity) -> Bool {
        state.withLock { $0.refused[path] == identity }
    }

    private func refuse(name: String, path: String, identity: FileIdentity?, reason: String, events: inout [Event]) {
        let isNew = state.withLock { s -> Bool in
            if let identity {
                if s.refused[path] == identity { return false }
                s.refused[path] = identity
            }
            return true
        }
        if isNew { events.append(.refused(name: name, path: path, reason: reason)) }
    }
}
