import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A body written to a file atomically: into a temporary file beside the destination, which
/// ``commit()`` flushes to disk (`fsync`) and renames into place. A crash or a failure leaves
/// the destination as it was, never half written; ``discard()`` removes the temporary file.
public final class FileSink: BodySink, @unchecked Sendable {
    /// Where the file ends up.
    public let path: String
    private let temporary: String
    private var fd: Int32
    private var written: Int64 = 0

    /// Opens a temporary file in the destination's folder (so the rename stays on one file system).
    /// - Throws: ``FileError`` when it cannot be made.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        guard let file = FileIO.temporaryFile(folder + "/." + url.lastPathComponent + ".part-") else {
            throw FileError(path: path, action: "create a temporary file for", errno: errno)
        }
        self.fd = file.fd
        self.temporary = file.path
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(temporary)
        }
    }

    /// Bytes written so far.
    public var length: Int64 { written }

    public func write(_ bytes: UnsafeRawBufferPointer) -> BodyWrite {
        guard FileIO.write(fd, bytes, at: written) == 0 else { return .refused }
        written += Int64(bytes.count)
        return .accepted
    }

    public func reset() {
        _ = ftruncate(fd, 0)
        written = 0
    }

    /// Makes the file durable and puts it in place, replacing what was there.
    /// - Throws: ``FileError`` when the data cannot be flushed or the file renamed.
    public func commit() throws {
        guard fsync(fd) == 0 else { throw FileError(path: path, action: "flush", errno: errno) }
        close(fd)
        fd = -1
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(path: path, action: "rename into place", errno: code)
        }
        // The rename itself is durable once the folder is flushed.
        let folder = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    /// Removes the temporary file; the destination is untouched.
    public func discard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporary)
    }
}
