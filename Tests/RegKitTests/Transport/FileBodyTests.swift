import Foundation
import Testing

@testable import RegKit

@Suite("File sink and source")
struct FileBodyTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reg-file-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a file appears whole on commit and not before; a discarded one leaves no trace")
    func atomic() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/blob"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))

        let sink = try FileSink(path: path)
        #expect(await sink.writeAll(Data("new content".utf8)))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old", "untouched until the commit")
        try sink.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["blob"], "no temporary file left")

        let discarded = try FileSink(path: folder + "/other")
        #expect(await discarded.writeAll(Data("x".utf8)))
        discarded.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["blob"])
    }

    @Test("a file source reads the whole file, again after a rewind, and pumps into a sink")
    func source() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0) })
        try bytes.write(to: URL(fileURLWithPath: folder + "/in"))
        let source = try FileSource(path: folder + "/in")
        #expect(source.length == 200_000)
        for _ in 0..<2 {
            let memory = MemorySink()
            #expect(await source.pump(into: memory, piece: 4096))
            #expect(memory.data == bytes)
            source.rewind()
        }
        #expect(throws: FileError.self) { try FileSource(path: folder + "/missing") }
    }
}
