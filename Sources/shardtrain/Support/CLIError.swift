import ArgumentParser
import ShardTrain

/// An error the tool reports as one line on stderr, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Runs a library call and turns its typed error into a one-line CLI error.
func report<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DataError {
        throw CLIError(error.description)
    } catch let error as ModelFileError {
        throw CLIError(error.description)
    } catch let error as TrainingError {
        throw CLIError(error.description)
    } catch let error as AtomicFile.WriteError {
        throw CLIError(error.description)
    } catch let error as TransportError {
        throw CLIError(error.description)
    }
}
