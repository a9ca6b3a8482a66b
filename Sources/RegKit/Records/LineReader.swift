#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads lines from a file descriptor in large chunks with `read(2)`.
///
/// `readLine()` is four times slower on large inputs and `FileHandle` twenty times
/// (see NOTES.md); this reader keeps one 256 KiB buffer and splits on `\n`. A UTF-8
/// byte order mark at the start of the first line is skipped.
public final class LineReader {
    /// The UTF-8 byte order mark that some editors, and PowerShell's `>`, write at the start of a file.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEOF = false
    /// The number of the line most recently returned, counting from 1.
    public private(set) var lineNumber = 0

    /// - Parameter fd: an open descriptor; the reader does not close it.
    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 18)
    }

    /// The next line without its terminator, or nil at the end of input.
    /// - Throws: ``LineReaderError`` when `read(2)` fails.
    public func next() throws -> String? {
        while true {
            if let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = nl
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = decode(buffer[start..<end])
                start = nl + 1
                lineNumber += 1
                return line
            }
            if atEOF {
                guard start < buffer.count else { return nil }
                let line = decode(buffer[start...])
                start = buffer.count
                lineNumber += 1
                return line
            }
            try fill()
        }
    }

    /// The text of the line about to be returned; the first one without a byte order mark.
    private func decode(_ bytes: ArraySlice<UInt8>) -> String {
        let text = lineNumber == 0 && bytes.starts(with: LineReader.byteOrderMark) ? bytes.dropFirst(3) : bytes
        return String(decoding: text, as: UTF8.self)
    }

    private func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let chunk = 1 << 18
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunk) }
        } while n < 0 && errno == EINTR
        if n < 0 {
            buffer.removeSubrange(old...)
            throw LineReaderError.readFailed(errno: errno)
        }
        buffer.removeSubrange((old + n)...)
        if n == 0 { atEOF = true }
    }
}

/// A failure to read input.
public enum LineReaderError: Error, CustomStringConvertible {
    /// `read(2)` failed with this errno.
    case readFailed(errno: Int32)

    public var description: String {
        switch self {
        case .readFailed(let e): return "cannot read input: \(String(cString: strerror(e)))"
        }
    }
}
