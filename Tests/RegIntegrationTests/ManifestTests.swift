import Foundation
import Testing

/// reg-manifest on references and records that name a tag and a digest at once, and --raw on failed records.
@Suite("reg-manifest: tag with digest, --raw and errors")
struct ManifestTests {
    /// A registry with team/app:1.0 and :1.1 (two images) and a two-platform team/multi:1.
    static func registry() async throws -> (RegistryServer, first: String, second: String) {
        let server = try await RegistryServer.start()
        let seeded = try InventoryTests.seed(server, [server.registry, "--prefix", "team/app", "--tags", "2"])
        try InventoryTests.seed(server, ["\(server.registry)/team/multi:1", "--platforms", "linux/amd64,linux/arm64/v8"])
        let digests = seeded.compactMap { $0["digest"] as? String }
        try #require(digests.count == 2)
        return (server, digests[0], digests[1])
    }

    @Test("REG/REPO:TAG@DIGEST: the digest is used and checked; a tag that points elsewhere fails the record")
    func tagWithDigest() async throws {
        let (server, first, second) = try await Self.registry()
        defer { server.stop() }
        let app = "\(server.registry)/team/app"
        let matching = try reg("reg-manifest", ["\(app):1.0.0@\(first)"])
        #expect(matching.status == 0, "\(matching)")
        #expect(matching.records.first?["digest"] as? String == first)
        #expect(matching.records.first?["tag"] as? String == "1.0.0")

        for args in [["\(app):1.0.0@\(second)"], ["--config", "\(app):1.0.0@\(second)"]] {
            let moved = try reg("reg-manifest", args)
            #expect(moved.status == 1, "\(args): \(moved)")
            #expect(moved.stderr.contains("\(app):1.0.0 points at \(first), not at \(second) named with it"), "\(moved)")
            #expect(moved.records.first?["error"] != nil)
            #expect(moved.records.first?["digest"] as? String == second, "the record keeps what it named")
        }
        let raw = try reg("reg-manifest", ["--raw", "\(app):1.0.0@\(second)"])
        #expect(raw.status == 1 && raw.stdout.isEmpty, "\(raw)")
    }

    @Test("platform records (--expand) read back: each keeps its platform's digest; its tag must point at its index")
    func platformRecords() async throws {
        let (server, _, _) = try await Self.registry()
        defer { server.stop() }
        let expanded = try reg("reg-manifest", ["--expand", "\(server.registry)/team/multi:1"])
        #expect(expanded.status == 0 && expanded.records.count == 2, "\(expanded)")
        let again = try reg("reg-manifest", [], stdin: expanded.stdout)
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout == expanded.stdout, "resolving a platform record again changes nothing")
        let configured = try reg("reg-manifest", ["--config"], stdin: expanded.stdout)
        #expect(configured.status == 0, "\(configured)")
        #expect(configured.records.map { $0["digest"] as? String } == expanded.records.map { $0["digest"] as? String })
        #expect(configured.records.allSatisfy { $0["created"] as? String == "2023-11-14T22:13:20Z" && $0["platforms"] == nil })

        // The tag moves to another image: the platform records no longer describe it.
        try InventoryTests.seed(server, ["\(server.registry)/team/multi:1", "--salt", "moved"])
        let stale = try reg("reg-manifest", [], stdin: expanded.stdout)
        #expect(stale.status == 1, "\(stale)")
        #expect(stale.stderr.contains("team/multi:1 points at"), "\(stale)")
    }

    @Test("--raw passes over records with error: nothing written for them, the failure counted")
    func rawSkipsFailedRecords() async throws {
        let (server, first, _) = try await Self.registry()
        defer { server.stop() }
        let failed = #"{"registry":"\#(server.registry)","repo":"team/app","tag":"1.0.1","error":"upstream failure"}"#
        let good = #"{"registry":"\#(server.registry)","repo":"team/app","tag":"1.0.0"}"#
        let result = try reg("reg-manifest", ["--raw"], stdin: failed + "\n" + good + "\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("team/app:1.0.1: not fetched: the record carries an error (upstream failure)"))
        let manifests = result.stdout.split(separator: "\n")
        #expect(manifests.count == 1, "\(result)")
        #expect(manifests.first.map { "sha256:" + sha256Hex(Data($0.utf8)) } == first)
    }
}
