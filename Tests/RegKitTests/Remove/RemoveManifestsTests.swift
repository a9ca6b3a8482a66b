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
                return .manifestHead(digest(tag), type: MediaType.ociManifest, length: 2)
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
        let records = Self.tags.map { Self.record(server, $0) }
        let written = try await Self.run(records, jobs: 1, diagnostics: diagnostics, interruption: interruption)

        #expect(server.requests.filter { $0.method == "DELETE" }.count == 1)
        #expect(written.map(\.tag) == Self.tags)
        #expect(written[0].status == "deleted")
        for record in written.dropFirst() {
            #expect(record.status == nil)
            #expect(record.error?.contains("interrupted by SIGTERM") == true, "\(record)")
        }
        #expect(diagnostics.exitStatus == 2)
    }

    // MARK: - An index and the manifests it lists

    static let child = Digest(of: Array("image amd64".utf8))
    /// An index listing `child`.
    static func index(_ note: String) -> [UInt8] {
        Array(
            #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","annotations":{"n":"\#(note)"},"manifests":[{"mediaType":"\#(MediaType.ociManifest)","digest":"\#(child)","size":2,"platform":{"os":"linux","architecture":"amd64"}}]}"#
                .utf8)
    }

    /// A registry whose `app` has `1.0` on an index (made with `note`) listing `child`, and
    /// `1.0-amd64` on `child` itself; a DELETE of the index answers `indexDelete`.
    static func indexRegistry(note: String = "now", indexDelete: Int = 202) throws -> ScriptedServer {
        let index = Self.index(note)
        let indexDigest = Digest(of: index)
        return try ScriptedServer { request in
            switch (request.method, request.path) {
            case ("HEAD", "/v2/app/manifests/1.0"), ("HEAD", "/v2/app/manifests/\(indexDigest)"):
                return .manifestHead(indexDigest, type: MediaType.ociIndex, length: index.count)
            case ("GET", "/v2/app/manifests/\(indexDigest)"):
                return .bytes(index, headers: [("Content-Type", MediaType.ociIndex)])
            case ("HEAD", "/v2/app/manifests/1.0-amd64"):
                return .manifestHead(child, type: MediaType.ociManifest, length: 2)
            case ("GET", "/v2/app/tags/list"):
                return .json(#"{"name":"app","tags":["1.0","1.0-amd64"]}"#)
            case ("DELETE", "/v2/app/manifests/\(indexDigest)"):
                return .status(indexDelete, body: "storage failure")
            case ("DELETE", _):
                return .status(202)
            default:
                return .status(404)
            }
        }
    }

    /// Runs reg-rm over `records` against `server` and returns the records written.
    static func run(
        _ records: [Record], options: RemoveManifests.Options = .init(scope: .repo), jobs: Int = 2,
        diagnostics: Diagnostics = Diagnostics(tool: "reg-rm-test"), interruption: Interruption? = nil
    ) async throws -> [Record] {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("reg-rm-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let fd = open(outputFile.path, O_WRONLY)
        defer { close(fd) }
        let client = RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: 0), jobs: jobs),
            credentials: CredentialStore(explicit: nil, environment: [:]))
        let context = ToolContext(
            client: client, diagnostics: diagnostics, input: .records(records), output: OutputWriter(fd: fd))
        await RemoveManifests(options: options, interruption: interruption).run(context)
        let lines = try String(contentsOf: outputFile, encoding: .utf8).split(separator: "\n")
        return try lines.map { try Record(line: String($0)) }
    }

    static func record(_ server: ScriptedServer, _ tag: String) -> Record {
        var record = Record()
        record.registry = server.origin
        record.repo = "app"
        record.tag = tag
        return record
    }

    @Test("an index whose deletion failed keeps the manifests it lists: its tag must not point at a half-deleted image")
    func failedIndexKeepsItsChildren() async throws {
        let server = try Self.indexRegistry(indexDelete: 500)
        defer { server.stop() }
        let written = try await Self.run([Self.record(server, "1.0"), Self.record(server, "1.0-amd64")])
        let deletes = server.requests.filter { $0.method == "DELETE" }.map(\.path)
        #expect(!deletes.contains("/v2/app/manifests/\(Self.child)"), "the child went while 1.0 still lists it")
        #expect(written.map(\.tag) == ["1.0", "1.0-amd64"])
        #expect(written[0].error != nil)
        #expect(written[1].status != "deleted", "\(written[1])")
    }

    @Test("a platform record (reg-manifest --expand) whose tag moved to another index since: kept, nothing deleted")
    func platformRecordOfAMovedTag() async throws {
        let server = try Self.indexRegistry(note: "pushed after the selection")
        defer { server.stop() }
        var record = Self.record(server, "1.0")
        record.platform = "linux/amd64"
        record.digest = Self.child.description
        record.index = Digest(of: Self.index("the image that was selected")).description
        let written = try await Self.run([record])
        #expect(server.requests.filter { $0.method == "DELETE" }.isEmpty, "deleted an image nobody selected")
        #expect(written.first?.status == "kept", "\(written)")
    }

    @Test("a tag whose index lists a missing nested index: the check fails, nothing that index lists is deleted")
    func brokenNestedIndexStillHolds() async throws {
        let image = Digest(of: Array("image amd64".utf8))
        let missing = Digest(of: Array("a nested index deleted by digest".utf8))
        let index = Array(
            #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","manifests":[{"mediaType":"\#(MediaType.ociManifest)","digest":"\#(image)","size":2},{"mediaType":"\#(MediaType.ociIndex)","digest":"\#(missing)","size":2}]}"#
                .utf8)
        let indexDigest = Digest(of: index)
        let server = try ScriptedServer { request in
            switch (request.method, request.path) {
            case ("HEAD", "/v2/app/manifests/prod"):
                return .manifestHead(indexDigest, type: MediaType.ociIndex, length: index.count)
            case ("GET", "/v2/app/manifests/\(indexDigest)"):
                return .bytes(index, headers: [("Content-Type", MediaType.ociIndex)])
            case ("HEAD", "/v2/app/manifests/1.0-amd64"):
                return .manifestHead(image, type: MediaType.ociManifest, length: 2)
            case ("GET", "/v2/app/tags/list"):
                return .json(#"{"name":"app","tags":["prod","1.0-amd64"]}"#)
            case ("DELETE", _):
                return .status(202)
            default:
                return .json(#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#, status: 404)
            }
        }
        defer { server.stop() }
        let written = try await Self.run([Self.record(server, "1.0-amd64")])
        #expect(server.requests.filter { $0.method == "DELETE" }.isEmpty, "deleted a platform prod's index lists")
        #expect(written.first?.error?.contains("check for other tags failed") == true, "\(written)")
    }

    @Test("one registry spelled two ways in one input is one registry: a shared digest is still kept")
    func twoSpellings() async throws {
        let shared = Self.digest("shared")
        let other = Self.digest("other")
        let server = try ScriptedServer { request in
            switch (request.method, request.path) {
            case ("GET", "/v2/app/tags/list"): return .json(#"{"name":"app","tags":["1.0","latest","2.0"]}"#)
            case ("HEAD", "/v2/app/manifests/1.0"), ("HEAD", "/v2/app/manifests/latest"):
                return .manifestHead(shared, type: MediaType.ociManifest, length: 2)
            case ("HEAD", "/v2/app/manifests/2.0"): return .manifestHead(other, type: MediaType.ociManifest, length: 2)
            case ("DELETE", _): return .status(202)
            default: return .status(404)
            }
        }
        defer { server.stop() }
        var slashed = Self.record(server, "1.0")
        slashed.registry = server.origin + "/"
        let written = try await Self.run([Self.record(server, "2.0"), slashed])
        #expect(written.map(\.status) == ["deleted", "kept"])
        #expect(server.requests.filter { $0.method == "DELETE" }.map(\.path) == ["/v2/app/manifests/\(other)"])
    }
}
