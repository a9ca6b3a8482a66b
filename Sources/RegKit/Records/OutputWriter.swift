#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered writer for standard output.
///
/// `FileHandle.write` traps on a closed pipe and `print` ignores the error, so
/// output goes through `write(2)` here: a reader that went away (`reg-ls | head`)
/// ends the process quietly with status 0, as DESIGN.md promises.
public final class OutputWriter: @unchecked Sendable {
    private var buffer: [UInt8] = []
    private let fd: Int32
    private let capacity = 1 << 16

    /// The process's standard output.
    public static let standardOutput = OutputWriter(fd: 1)

    public init(fd: Int32) {
        self.fd = fd
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
                if errno == EINTR { continue }
                // EPIPE: downstream closed. Anything else: nowhere left to report to.
                exit(0)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
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
