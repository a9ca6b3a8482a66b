import Foundation
import Testing

@testable import RegKit

@Suite("Gzip")
struct GzipTests {
    /// `data` run through `gzip -dc`: an independent decoder checks the stream.
    func gunzip(_ data: Data) throws -> (output: Data, status: Int32) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reg-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.gz")
        try data.write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", input.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let decoded = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (decoded, process.terminationStatus)
    }

    /// Bytes that compress somewhat but not trivially.
    func sample(_ count: Int) -> Data {
        var state: UInt32 = 2_463_534_242
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        for i in 0..<count {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            bytes.append(i % 3 == 0 ? UInt8(truncatingIfNeeded: state) : UInt8(ascii: "a") + UInt8(i % 7))
        }
        return Data(bytes)
    }

    @Test("gzip -dc gives back the input", arguments: [0, 1, 1000, 300_000])
    func roundTrip(_ size: Int) throws {
        let input = sample(size)
        let compressed = Gzip.compress(input)
        #expect(compressed.count >= 18, "a gzip stream has a 10-byte header and an 8-byte trailer")
        #expect(Array(compressed.prefix(3)) == [0x1f, 0x8b, 0x08], "gzip magic and deflate")
        let (output, status) = try gunzip(compressed)
        #expect(status == 0)
        #expect(output == input)
    }

    @Test("the same input gives the same bytes: no file name, no time")
    func deterministic() throws {
        let input = sample(50_000)
        let first = Gzip.compress(input)
        #expect(Gzip.compress(input) == first)
        #expect(Array(first[4..<8]) == [0, 0, 0, 0], "MTIME is zero")
        #expect(first[3] & 0x08 == 0, "no FNAME flag")
        #expect(Gzip.compress(input, level: 1) != Gzip.compress(input, level: 9) || input.isEmpty)
    }

    @Test("compression levels all decode to the input; text shrinks")
    func levels() throws {
        let text = Data(String(repeating: "the quick brown fox jumps over the lazy dog\n", count: 2000).utf8)
        for level: Int32 in [0, 1, 6, 9] {
            let compressed = Gzip.compress(text, level: level)
            #expect(try gunzip(compressed).output == text, "level \(level)")
            if level > 0 { #expect(compressed.count < text.count / 10, "level \(level)") }
        }
    }
}
