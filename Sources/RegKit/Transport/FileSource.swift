import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file read as a request body, from its first byte again for each retry.
public final class FileSource: BodySource, @unchecked Sendable {
    public let path: String
    public let length: Int64
    private let fd: Int32
    private var offset: Int64 = 0

    /// - Throws: ``FileError`` when the file cannot be opened.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError(path: path, action: "open", errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw FileError(path: path, action: "read the size of", errno: code)
        }
        self.path = path
        self.fd = fd
        self.length = Int64(info.st_size)
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        let want = Int(min(Int64(buffer.count), length - offset))
        guard want > 0 else { return .end }
        var n: Int
        repeat { n = pread(fd, buffer.baseAddress!, want, off_t(offset)) } while n < 0 && errno == EINTR
        // A file that shrank under us, or a read error: never send fewer bytes than announced.
        guard n > 0 else { return .failed }
        offset += Int64(n)
        return .bytes(n)
    }

    public func rewind() { offset = 0 }
}
