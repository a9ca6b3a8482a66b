import Foundation
import Testing

@testable import RegKit

#if canImport(Glibc)
    import Glibc
#endif

/// reg-rm's run over a scripted registry, for what a real one cannot stage on cue: a signal
/// arriving while a deletion is in flight.
@Suite("RemoveManifests over a scripted server", .timeLimit(.minutes(1)))
struct RemoveManifestsTests {
    static let tags = ["1.0", "1.1", "1.2", "1.3"]

    static func digest(_ tag: String) -> Digest { Digest(of: Array("image \(tag)".utf8)) }

    /// A registry holding `tags` in `app`, each on its own digest; `onDelete` sees each DELETE.
    static func registry(onDelete: @escaping @Sendable (ScriptedRequest) -> Void) throws -> ScriptedServer {
        try ScriptedServer { request in
            switch request.method {
            case "HEAD":
                guard let tag = tags.first(where: { request.path == "/v2/app/manifests/\($0)" }) else {
                    return .status(404)
                }
                return .status(
                    200,
                    headers: [
                        ("Docker-Content-Digest", digest(tag).description), ("Content-Type", MediaType.ociManifest),
                        ("Content-Length", "2"),
                    ])
            case "GET" where request.path == "/v2/app/tags/list":
                return .json(#"{"name":"app","tags":["1.0","1.1","1.2","1.3"]}"#)
            case "DELETE":
                onDelete(request)
                return .status(202)
            default:
                return .status(500)
            }
        }
    }

    @Test("a signal during the deletions: the one in flight finishes, no new one starts, every record is written")
    func interrupted() async throws {
        let diagnostics = Diagnostics(tool: "reg-rm-test")
        let interruption = Interruption(diagnostics: diagnostics)
        let server = try Self.registry { _ in interruption.raise(SIGTERM) }
        defer { server.stop() }
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("reg-rm-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let fd = open(outputFile.path, O_WRONLY)
        defer { close(fd) }
        let client = RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: 0), jobs: 1),
            credentials: CredentialStore(explicit: nil, environment: [:]))
        let context = ToolContext(client: client, diagnostics: diagnostics, output: OutputWriter(fd: fd))
        let records = Self.tags.map { tag in
            var record = Record()
            record.registry = server.origin
            record.repo = "app"
            record.tag = tag
            return record
        }
        await RemoveManifests(options: .init(scope: .repo)).run(records, context, interruption: interruption)

        #expect(server.requests.filter { $0.method == "DELETE" }.count == 1)
        let lines = try String(contentsOf: outputFile, encoding: .utf8).split(separator: "\n")
        let written = try lines.map { try Record(line: String($0)) }
        #expect(written.map(\.tag) == Self.tags)
        #expect(written[0].status == "deleted")
        for record in written.dropFirst() {
            #expect(record.status == nil)
            #expect(record.error?.contains("interrupted by SIGTERM") == true, "\(record)")
        }
        #expect(diagnostics.exitStatus == 2)
    }

    @Test("an index below an unselected tag that cannot be read fails the check: nothing is deleted")
    func unreadableNestedIndex() async throws {
        let inner = Digest(of: Array("the inner index".utf8))
        let outer = Data(
            #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","manifests":[{"mediaType":"\#(MediaType.ociIndex)","digest":"\#(inner)","size":15}]}"#
                .utf8)
        let old = Self.digest("old")
        let server = try ScriptedServer { request in
            switch (request.method, request.path) {
            case ("GET", "/v2/app/tags/list"):
                return .json(#"{"name":"app","tags":["keep","old"]}"#)
            case ("HEAD", "/v2/app/manifests/old"):
                return .status(
                    200,
                    headers: [
                        ("Docker-Content-Digest", old.description), ("Content-Type", MediaType.ociManifest),
                        ("Content-Length", "2"),
                    ])
            case ("HEAD", "/v2/app/manifests/keep"):
                return .status(
                    200,
                    headers: [
                        ("Docker-Content-Digest", Digest(of: outer).description), ("Content-Type", MediaType.ociIndex),
                        ("Content-Length", "\(outer.count)"),
                    ])
            case ("GET", "/v2/app/manifests/\(Digest(of: outer))"):
                return .bytes(Array(outer), headers: [("Content-Type", MediaType.ociIndex)])
            case ("DELETE", _):
                return .status(202)
            default:
                return .json(#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#, status: 404)
            }
        }
        defer { server.stop() }
        let diagnostics = Diagnostics(tool: "reg-rm-test")
        let client = RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: 0)), credentials: CredentialStore(explicit: nil, environment: [:]))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("reg-rm-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let fd = open(output.path, O_WRONLY)
        defer { close(fd) }
        var record = Record()
        record.registry = server.origin
        record.repo = "app"
        record.tag = "old"
        let context = ToolContext(client: client, diagnostics: diagnostics, output: OutputWriter(fd: fd))
        await RemoveManifests(options: .init(scope: .repo)).run([record], context)

        #expect(server.requests.filter { $0.method == "DELETE" }.isEmpty)
        let written = try Record(line: String(try String(contentsOf: output, encoding: .utf8).split(separator: "\n")[0]))
        #expect(written.error?.contains("not deleting") == true, "\(written)")
        #expect(diagnostics.exitStatus == 2)
    }
}
