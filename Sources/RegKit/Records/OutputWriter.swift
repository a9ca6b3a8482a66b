#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered writer for standard output.
///
/// `FileHandle.write` traps on a closed pipe and `print` ignores the error, so
/// output goes through `write(2)` here: a reader that went away (`reg-ls | head`)
/// ends the process quietly with status 0, as DESIGN.md promises. Any other write
/// error (a full disk, `/dev/full`, an I/O error) means records were lost: it ends
/// the process with one line on standard error and status 2, never with 0, so a
/// cron job cannot take an empty answer for "identical" or "nothing to do".
public final class OutputWriter: @unchecked Sendable {
    private var buffer: [UInt8] = []
    private let fd: Int32
    private let name: String
    private let capacity = 1 << 16

    /// The process's standard output.
    public static let standardOutput = OutputWriter(fd: 1, name: "standard output")

    /// - Parameters:
    ///   - fd: an open descriptor; the writer does not close it.
    ///   - name: how the error message names it.
    public init(fd: Int32, name: String = "standard output") {
        self.fd = fd
        self.name = name
        buffer.reserveCapacity(capacity)
    }

    /// Appends one line; a newline is added.
    public func writeLine(_ line: String) {
        var line = line
        line.withUTF8 { buffer.append(contentsOf: $0) }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= capacity { flush() }
    }

    /// Appends bytes as they are.
    public func write(bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    /// Writes out everything buffered.
    public func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                // EPIPE: downstream closed and wants no more; that is not a failure.
                if code == EPIPE { exit(0) }
                OutputWriter.fail(name: name, errno: code)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Reports a failed write on standard error, prefixed like ``Diagnostics`` lines, and exits with status 2.
    private static func fail(name: String, errno code: Int32) -> Never {
        let tool = CommandLine.arguments.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "reg"
        let line = Array("\(tool): error: cannot write \(name): \(String(cString: strerror(code)))\n".utf8)
        line.withUnsafeBytes { _ = systemWrite(2, $0.baseAddress!, $0.count) }
        exit(2)
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif

/// Ignores SIGPIPE so that a closed pipe surfaces as EPIPE from `write(2)`.
public func ignoreBrokenPipeSignal() {
    signal(SIGPIPE, SIG_IGN)
}
