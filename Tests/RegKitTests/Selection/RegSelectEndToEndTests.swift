import Foundation
import Testing

@testable import RegKit

extension SelectionTests {
    /// The built `reg-select` executable, run as a user runs it.
    @Suite("reg-select end to end")
    struct RegSelectEndToEndTests {
        /// The executable next to the test bundle, else in `.build/debug` above this file.
        static let executable: URL? = {
            var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            while directory.path != "/" {
                candidates.append(directory.appendingPathComponent(".build/debug"))
                directory.deleteLastPathComponent()
            }
            return candidates.map { $0.appendingPathComponent("reg-select") }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        }()

        struct Result {
            var status: Int32
            var stdout: String
            var stderr: String
        }

        static func run(_ arguments: [String], input: String) throws -> Result {
            guard let executable else {
                Issue.record("reg-select is not built: run swift build --product reg-select (or swift build --build-tests)")
                return Result(status: -1, stdout: "", stderr: "")
            }
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let stdin = Pipe()
            let stdout = Pipe()
            let stderr = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
            let out = stdout.fileHandleForReading.readDataToEndOfFile()
            let err = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                stderr: String(decoding: err, as: UTF8.self))
        }

        static let input = """
            {"registry":"reg.example","repo":"team/app","tag":"1.2",  "note":"spacing kept"}
            {"registry":"reg.example","repo":"team/app","tag":"1.10"}
            {"registry":"reg.example","repo":"team/app","tag":latest}
            {"registry":"reg.example","repo":"team/app","tag":"latest"}

            {"registry":"reg.example","repo":"other/x","tag":"0.9"}
            {"registry":"reg.example","repo":"team/app","tag":"0.1","error":"manifest unknown"}

            """

        @Test("a malformed line is reported with its number; the others pass byte for byte; status 1")
        func malformedLine() throws {
            let result = try Self.run(["--repo", "team/*", "--tag", "<1.4"], input: Self.input)
            #expect(result.status == 1)
            #expect(
                result.stdout == """
                    {"registry":"reg.example","repo":"team/app","tag":"1.2",  "note":"spacing kept"}
                    {"registry":"reg.example","repo":"team/app","tag":"0.1","error":"manifest unknown"}

                    """)
            #expect(result.stderr.hasPrefix("reg-select: error: stdin:3: not valid JSON"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }

        @Test("clean input: status 0; --sort reads it all and orders it")
        func sorted() throws {
            let clean = Self.input.split(separator: "\n").filter { !$0.contains("latest}") }.joined(separator: "\n")
            let result = try Self.run(["--sort", "version", "--exclude", "latest"], input: clean)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                result.stdout.split(separator: "\n").compactMap { try? Record(line: String($0)).tag } == [
                    "0.1", "0.9", "1.2", "1.10",
                ])
        }

        @Test("a record without created: named on stderr with the fix, dropped, status 1")
        func missingCreated() throws {
            let input = """
                {"registry":"reg.example","repo":"team/app","tag":"1.0","created":"2020-01-01T00:00:00Z"}
                {"registry":"reg.example","repo":"team/app","tag":"1.1"}
                """
            let result = try Self.run(["--older-than", "30d"], input: input)
            #expect(result.status == 1)
            #expect(result.stdout.split(separator: "\n").count == 1)
            #expect(
                result.stderr
                    == "reg-select: error: reg.example/team/app:1.1: record has no created field, which --older-than needs; run reg-manifest --config first\n"
            )
        }

        @Test("bad usage: status 2 and a sentence that says what to write")
        func badUsage() throws {
            let result = try Self.run(["--older-than", "3M"], input: "")
            #expect(result.status == 2)
            #expect(result.stderr.contains("write 3m for minutes or 3mo for months"))
            #expect(try Self.run(["--shard", "0/4"], input: "").status == 2)
            #expect(try Self.run(["--by", "created"], input: "").status == 2)
        }
    }
}
