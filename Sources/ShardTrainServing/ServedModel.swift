import Foundation
import ShardTrain

/// One version of a model as the server holds it: the model, its reference profile and the
/// window of live inputs compared with it. Immutable apart from the drift window, so a request
/// that holds it finishes on it even when a newer version has been swapped in.
public final class ServedModel: Sendable {
    public let name: String
    public let version: Int
    public let path: String
    public let model: LinearModel
    public let profile: ReferenceProfile?
    /// Seconds it took to read and check the file.
    public let loadSeconds: Double
    let identity: FileIdentity
    let drift: DriftWindow?

    init(name: String, version: Int, path: String, model: LinearModel, profile: ReferenceProfile?, loadSeconds: Double,
         identity: FileIdentity, windowRows: Int) {
        self.name = name
        self.version = version
        self.path = path
        self.model = model
        self.profile = profile
        self.loadSeconds = loadSeconds
        self.identity = identity
        drift = profile.map { DriftWindow(profile: $0, capacity: windowRows) }
    }

    /// Reads and checks `path`: the model file, and its reference profile when it has one.
    static func load(name: String, version: Int, path: String, windowRows: Int) throws(ServingError) -> ServedModel {
        let clock = ContinuousClock()
        let start = clock.now
        guard let identity = FileIdentity(path: path) else {
            throw ServingError(.notFound, "\(path): no such file")
        }
        let model: LinearModel
        do {
            model = try ModelFile.read(from: path)
        } catch {
            throw ServingError(.unprocessableContent, "\(error)")
        }
        let profile: ReferenceProfile?
        do {
            profile = try model.referenceProfile()
        } catch {
            throw ServingError(.unprocessableContent, "\(path): \(error.description)")
        }
        return ServedModel(name: name, version: version, path: path, model: model, profile: profile, loadSeconds: (clock.now - start).seconds,
                           identity: identity, windowRows: windowRows)
    }
}

/// What tells a changed file from the one loaded: device, inode, size and modification time
/// (a file replaced by rename has a new inode; one rewritten in place a new time or size).
struct FileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
