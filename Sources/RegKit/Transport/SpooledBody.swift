import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A body kept in an unlinked temporary file: written as a sink (a download), then read and
/// re-read as a source (an upload and its retries), with memory bounded whatever its size.
/// The file disappears with the object, even if the process dies.
public final class SpooledBody: BodySink, BodySource, @unchecked Sendable {
    private let fd: Int32
    private var written: Int64 = 0
    private var offset: Int64 = 0
    /// Set when a write failed (a full disk): the transfer is aborted.
    public private(set) var failure: Int32?

    /// Creates the file in `$TMPDIR` (else `/tmp`).
    /// - Throws: ``SpoolError`` when no temporary file can be made.
    public init() throws {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        guard let file = FileIO.temporaryFile(directory + "/reg-spool-") else {
            throw SpoolError(directory: directory, errno: errno)
        }
        unlink(file.path)
        self.fd = file.fd
    }

    deinit { close(fd) }

    public func write(_ bytes: UnsafeRawBufferPointer) -> BodyWrite {
        let code = FileIO.write(fd, bytes, at: written)
        guard code == 0 else {
            failure = code
            return .refused
        }
        written += Int64(bytes.count)
        return .accepted
    }

    public func reset() {
        _ = ftruncate(fd, 0)
        written = 0
        offset = 0
    }

    public var length: Int64 { written }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        let answer = FileIO.read(fd, into: buffer, count: Int(min(Int64(buffer.count), written - offset)), at: offset)
        if case .bytes(let n) = answer { offset += Int64(n) }
        return answer
    }

    public func rewind() { offset = 0 }
}

/// No temporary file could be made for spooling.
public struct SpoolError: Error, CustomStringConvertible {
    public let directory: String
    public let errno: Int32
    public var description: String {
        "cannot make a temporary file in \(directory): \(String(cString: strerror(errno))) (set TMPDIR to a writable folder)"
    }
}
