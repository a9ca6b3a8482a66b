import Foundation
import Testing

/// What the tools say, and what they accept, at the edges an operator meets in the first week.
@Suite("Messages and input edges against a real registry")
struct MessageTests {
    @Test("a registry written with a trailing slash: no // in messages, records keep it as written")
    func trailingSlash() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try InventoryTests.seed(server, ["\(server.registry)/team/app:1.0"])
        let slashed = server.registry + "/"
        let input = [
            #"{"registry":"\#(slashed)","repo":"team/app"}"#, #"{"registry":"\#(slashed)","repo":"team/gone"}"#,
        ]
        let result = try reg("reg-tags", [], stdin: input.joined(separator: "\n") + "\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.records.count == 2)
        #expect(result.records.allSatisfy { $0["registry"] as? String == slashed })
        #expect(result.records.first?["tag"] as? String == "1.0")
        #expect(result.stderr.contains("\(server.registry)/team/gone: not found"), "\(result)")
        #expect(!result.stderr.contains("//team"), "\(result)")
    }

    @Test("a UTF-8 byte order mark on line 1 (a file saved by a Windows editor) is skipped, by every reader")
    func byteOrderMark() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try InventoryTests.seed(server, ["\(server.registry)/team/app:1.0"])
        let line = #"{"registry":"\#(server.registry)","repo":"team/app"}"#
        let tags = try reg("reg-tags", [], stdin: "\u{FEFF}" + line + "\n")
        #expect(tags.status == 0, "\(tags)")
        #expect(tags.records.first?["tag"] as? String == "1.0")
        let selected = try reg("reg-select", ["--repo", "team/*"], stdin: "\u{FEFF}" + line + "\n")
        #expect(selected.status == 0, "\(selected)")
        #expect(selected.stdout == line + "\n", "passed on without the mark")
        // Elsewhere than at the start of the input, it is not white space: the line is malformed.
        let later = try reg("reg-select", [], stdin: line + "\n\u{FEFF}" + line + "\n")
        #expect(later.status == 1)
        #expect(later.stderr.contains("stdin:2:"))
    }

    @Test("a registry field that is not a string is named as such, not as missing")
    func notAString() throws {
        let input = #"{"registry":5301,"repo":"team/app"}"# + "\n" + #"{"repo":"team/app"}"# + "\n"
        let result = try reg("reg-tags", [], stdin: input)
        #expect(result.status == 1, "\(result)")
        let errors = result.stderr.split(separator: "\n").map(String.init)
        // Records are resolved concurrently: their errors come in any order.
        #expect(errors.count == 2, "\(result)")
        #expect(errors.contains { $0.hasSuffix("field registry is a number (5301), not a string: write it in double quotes") })
        #expect(errors.contains { $0.contains("record has no registry") })
        let manifest = try reg("reg-manifest", [], stdin: #"{"registry":"http://127.0.0.1:1","repo":"a","tag":7}"# + "\n")
        #expect(manifest.stderr.contains("field tag is a number (7), not a string"), "\(manifest)")
    }

    @Test("reg-select --older-than -1d: a sentence about negative ages, not 'Missing value'; --keep -1 likewise")
    func negativeValues() throws {
        let record = #"{"registry":"r.example","repo":"a","tag":"1","created":"2024-01-01T00:00:00Z"}"# + "\n"
        for args in [["--older-than", "-1d"], ["--older-than=-1d"], ["--newer-than", "-2w"]] {
            let result = try reg("reg-select", args, stdin: record)
            #expect(result.status == 2, "\(args): \(result)")
            #expect(result.stderr.contains("cannot be negative: "), "\(args): \(result)")
            #expect(!result.stderr.contains("Missing value"), "\(args): \(result)")
        }
        let keep = try reg("reg-select", ["--keep", "-1"], stdin: record)
        #expect(keep.status == 2)
        #expect(keep.stderr.contains("--keep -1: the number of records to keep cannot be negative"), "\(keep)")
        let fine = try reg("reg-select", ["--older-than", "1d"], stdin: record)
        #expect(fine.status == 0 && fine.stdout == record, "\(fine)")
    }

    /// The discussion of `tool --help`, one source line per line: `COLUMNS` wide enough that nothing wraps.
    static func discussion(_ tool: String) throws -> [String] {
        let help = try reg(tool, ["--help"], env: ["COLUMNS": "1000"])
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = (lines.firstIndex(where: \.isEmpty) ?? 0) + 1
        let end = lines.firstIndex { $0.hasPrefix("USAGE:") } ?? lines.count
        return Array(lines[start..<end])
    }

    @Test(
        "--help reads well at any width: prose is whole paragraphs for the parser to wrap, lists and examples fit 79 columns",
        arguments: ["reg-ls", "reg-tags", "reg-manifest", "reg-diff", "reg-select", "reg-rm", "reg-seed"])
    func helpText(_ tool: String) throws {
        let lines = try Self.discussion(tool)
        #expect(lines.count > 3, "\(tool) has a discussion")
        for (line, next) in zip(lines, lines.dropFirst()) {
            let prose = !line.isEmpty && !line.hasPrefix(" ")
            if prose && !next.isEmpty && !next.hasPrefix(" ") {
                // Two prose lines in a row: a hard break, which the parser's wrapping leaves mid-line.
                #expect(line.hasSuffix("."), "\(tool): a paragraph broken by hand after '\(line.suffix(30))'")
            }
            if prose && line.hasSuffix(":") {
                #expect(next.isEmpty || next.hasPrefix(" "), "\(tool): '\(line)' introduces no list")
            }
        }
        for line in lines where line.hasPrefix(" ") {
            // Indented lines are kept as written; at 80 columns the parser wraps what does not fit in 79
            // to column 0.
            #expect(line.count <= 79, "\(tool): \(line.count) columns: '\(line)'")
        }
    }
}
