#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads lines from a file descriptor in large chunks with `read(2)`.
///
/// `readLine()` is four times slower on large inputs and `FileHandle` twenty times
/// (see NOTES.md). Each ``readChunk(_:)`` reads once into a 256 KiB buffer and hands over
/// the lines that read completed as bytes, without copying them: reg-select decides a
/// chunk and writes it out before the next read can block. ``next()`` gives one line
/// at a time over the same splitting. A UTF-8 byte order mark at the start of the first
/// line is skipped.
public final class LineReader {
    /// The UTF-8 byte order mark that some editors, and PowerShell's `>`, write at the start of a file.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private static let chunk = 1 << 18
    private let fd: Int32
    /// Bytes read and not yet handed over: the start of a line that no newline has ended yet.
    private var buffer: [UInt8] = []
    private var atEOF = false
    /// Lines split by ``next()`` and not yet returned, from `pendingStart` on.
    private var pending: [String] = []
    private var pendingStart = 0
    /// The number of lines handed over by ``readChunk(_:)``.
    private var linesSplit = 0
    /// The number of the line most recently returned, counting from 1.
    public private(set) var lineNumber = 0

    /// - Parameter fd: an open descriptor; the reader does not close it.
    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(2 * LineReader.chunk)
    }

    /// Reads once and hands over every line completed by what was read, without its `\n` or
    /// `\r\n`, with its number counting from 1. At the end of input, the last line if it has
    /// no newline. Lines that ``next()`` has split but not yet returned are not handed over
    /// again: read an input one way or the other.
    /// - Returns: false at the end of input.
    /// - Throws: ``LineReaderError`` when `read(2)` fails.
    public func readChunk(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) throws -> Bool {
        guard !atEOF else { return false }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: LineReader.chunk))
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, LineReader.chunk) }
        } while n < 0 && errno == EINTR
        let failure = errno
        buffer.removeSubrange((old + max(n, 0))...)
        if n < 0 { throw LineReaderError.readFailed(errno: failure) }
        atEOF = n == 0
        var consumed = 0
        var number = linesSplit
        buffer.withUnsafeBufferPointer { all in
            func hand(_ line: Range<Int>) {
                number += 1
                var bytes = UnsafeBufferPointer(rebasing: all[line])
                if number == 1 && bytes.starts(with: LineReader.byteOrderMark) {
                    bytes = UnsafeBufferPointer(rebasing: bytes.dropFirst(3))
                }
                body(bytes, number)
            }
            var start = 0
            var scanFrom = old
            while let newline = all[scanFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start && all[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                hand(start..<end)
                start = newline + 1
                scanFrom = start
            }
            if atEOF && start < all.count {
                hand(start..<all.count)
                start = all.count
            }
            consumed = start
        }
        linesSplit = number
        buffer.removeSubrange(0..<consumed)
        return !atEOF
    }

    /// The next line without its terminator, or nil at the end of input. Invalid UTF-8 is
    /// decoded with replacement characters.
    /// - Throws: ``LineReaderError`` when `read(2)` fails.
    public func next() throws -> String? {
        while pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            guard try readChunk({ bytes, _ in pending.append(String(decoding: bytes, as: UTF8.self)) }) || !pending.isEmpty
            else { return nil }
        }
        defer { pendingStart += 1 }
        lineNumber += 1
        return pending[pendingStart]
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
