import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes one-line messages to standard error, prefixed with the tool's name,
/// and remembers the exit status the run has earned.
public final class Diagnostics: Sendable {
    /// How much to say.
    public enum Level: Int, Sendable, Comparable {
        case quiet, progress, verbose
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public let tool: String
    public let level: Level
    private let worst = Atomic<Int32>(0)
    private let lock = Mutex(())

    public init(tool: String, level: Level = .quiet) {
        self.tool = tool
        self.level = level
    }

    /// The exit status so far: 0, 1 (some records failed, or the answer is "no") or 2 (trouble).
    public var exitStatus: Int32 { worst.load(ordering: .relaxed) }

    /// Raises the exit status to at least `status`.
    public func fail(_ status: Int32) {
        var current = worst.load(ordering: .relaxed)
        while current < status {
            let (exchanged, original) = worst.compareExchange(expected: current, desired: status, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
    }

    /// Reports an error and raises the exit status.
    public func error(_ message: String, status: Int32 = 1) {
        emit("error: " + message)
        fail(status)
    }

    /// A warning; does not change the exit status.
    public func warning(_ message: String) { emit("warning: " + message) }

    /// Shown with `--progress` or `--verbose`.
    public func progress(_ message: @autoclosure () -> String) {
        if level >= .progress { emit(message()) }
    }

    /// Shown with `--verbose`.
    public func verbose(_ message: @autoclosure () -> String) {
        if level >= .verbose { emit(message()) }
    }

    /// Writes a line to standard error, whatever the level.
    public func emit(_ message: String) {
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        var line = Array("\(tool): \(flat)\n".utf8)
        lock.withLock { _ in
            var offset = 0
            while offset < line.count {
                let n = line.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}
