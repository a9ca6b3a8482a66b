#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Positioned reads and writes on a file descriptor, retried on `EINTR`: what the file-backed
/// bodies (``SpooledBody``, ``FileSink``, ``FileSource``) share.
enum FileIO {
    /// Creates a new file named `prefix` plus six unique characters (mkstemp).
    /// - Returns: its descriptor and path, or nil with `errno` set.
    static func temporaryFile(_ prefix: String) -> (fd: Int32, path: String)? {
        // mkstemp replaces the six trailing X with a unique name.
        var template = Array((prefix + String(repeating: "X", count: 6)).utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        return (fd, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    /// Writes all of `bytes` at `offset`.
    /// - Returns: 0, or the `errno` of the write that failed (a full disk).
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) -> Int32 {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return 0
    }

    /// Reads up to `count` bytes at `offset` into `buffer` as a body read: `.failed` when the file
    /// ends early or cannot be read, so a body never sends fewer bytes than it announced.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, count: Int, at offset: Int64) -> BodyRead {
        guard count > 0 else { return .end }
        var n: Int
        repeat { n = pread(fd, buffer.baseAddress!, count, off_t(offset)) } while n < 0 && errno == EINTR
        return n > 0 ? .bytes(n) : .failed
    }
}
