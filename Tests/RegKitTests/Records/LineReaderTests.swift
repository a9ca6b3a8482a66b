import Foundation
import Testing

@testable import RegKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("LineReader")
struct LineReaderTests {
    /// Every line `LineReader` reads from a pipe that a writer thread fills in
    /// small, odd-sized pieces.
    func linesThroughPipe(_ bytes: [UInt8], piece: Int = 65_521) throws -> [String] {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress! + offset, min(piece, bytes.count - offset)) }
                if n <= 0 { break }
                offset += n
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(readEnd) }
        return try readAll(LineReader(fd: readEnd))
    }

    /// Every line `LineReader` reads from a temporary file.
    func linesThroughFile(_ bytes: [UInt8]) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reg-lines-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        return try readAll(LineReader(fd: fd))
    }

    func readAll(_ reader: LineReader) throws -> [String] {
        var lines: [String] = []
        while let line = try reader.next() {
            lines.append(line)
            #expect(reader.lineNumber == lines.count)
        }
        #expect(try reader.next() == nil, "the end stays the end")
        return lines
    }

    func both(_ text: String) throws -> [String] {
        let bytes = Array(text.utf8)
        let piped = try linesThroughPipe(bytes)
        let filed = try linesThroughFile(bytes)
        #expect(piped == filed)
        return piped
    }

    @Test("more than 256 KiB: lines that straddle every chunk boundary")
    func acrossChunks() throws {
        var expected: [String] = []
        var total = 0
        var i = 0
        while total < 900_000 {
            let line = "{\"n\":\(i),\"pad\":\"" + String(repeating: "x", count: (i * 37) % 211) + "\"}"
            expected.append(line)
            total += line.utf8.count + 1
            i += 1
        }
        let text = expected.joined(separator: "\n") + "\n"
        #expect(try both(text) == expected)
        // A pipe that delivers one byte at a time still splits right.
        let head = Array(expected.prefix(60))
        #expect(try linesThroughPipe(Array((head.joined(separator: "\n") + "\n").utf8), piece: 1) == head)
    }

    @Test("a single line longer than the buffer")
    func longLine() throws {
        let long = String(repeating: "abcdefghij", count: 70_000)  // 700 KB
        #expect(try both("short\n" + long + "\nafter\n") == ["short", long, "after"])
    }

    @Test("CRLF line ends lose their CR; a CR elsewhere stays")
    func crlf() throws {
        #expect(try both("a\r\nb\r\n\r\nc\rd\r\n") == ["a", "b", "", "c\rd"])
        // The CR as the last byte of the first 256 KiB read, its LF the first of the next.
        let first = String(repeating: "y", count: (1 << 18) - 1)
        #expect(try both(first + "\r\nnext\r\n") == [first, "next"])
    }

    @Test("a last line without a newline is still a line")
    func noFinalNewline() throws {
        #expect(try both("a\nb") == ["a", "b"])
        #expect(try both("only") == ["only"])
        #expect(try both("a\r\nb\r") == ["a", "b\r"])
    }

    @Test("empty input has no lines; blank lines are lines")
    func empty() throws {
        #expect(try both("") == [])
        #expect(try both("\n") == [""])
        #expect(try both("\n\n") == ["", ""])
        #expect(try both("a\n\nb\n") == ["a", "", "b"])
    }

    @Test("UTF-8 split across reads decodes whole")
    func utf8AcrossReads() throws {
        let line = String(repeating: "é€😀", count: 20_000)
        #expect(try linesThroughPipe(Array((line + "\n" + line).utf8), piece: 4093) == [line, line])
    }

    @Test("a UTF-8 byte order mark is skipped on the first line only, also when the reads split it")
    func byteOrderMark() throws {
        let bom = "\u{FEFF}"
        #expect(try both(bom + "{}\n" + bom + "x\n") == ["{}", bom + "x"])
        #expect(try both(bom) == [""])
        #expect(try linesThroughPipe(Array((bom + "a\nb\n").utf8), piece: 1) == ["a", "b"])
    }

    @Test("a descriptor that cannot be read is an error")
    func readError() {
        let reader = LineReader(fd: -1)
        let error = #expect(throws: LineReaderError.self) { try reader.next() }
        guard case .readFailed(let code) = error else { return }
        #expect(code == EBADF)
        #expect(error?.description.contains("cannot read input") == true)
    }
}
