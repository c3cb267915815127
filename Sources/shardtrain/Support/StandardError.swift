import Foundation

/// Writes progress and messages to stderr (stdout carries results only).
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func line(_ text: String) { write(text + "\n") }

    /// Whether stderr is a terminal (progress bars only there).
    static var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}
