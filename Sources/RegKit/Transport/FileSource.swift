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
        // A file that shrank under us, or a read error, fails: never fewer bytes than announced.
        let answer = FileIO.read(fd, into: buffer, count: Int(min(Int64(buffer.count), length - offset)), at: offset)
        if case .bytes(let n) = answer { offset += Int64(n) }
        return answer
    }

    public func rewind() { offset = 0 }
}
