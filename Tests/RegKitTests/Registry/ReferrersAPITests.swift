import Foundation
import Testing

@testable import RegKit

/// The OCI referrers API, which the reference registry (distribution 2.8) does not have: a
/// registry that has it, scripted over a real local socket.
@Suite("Referrers API")
struct ReferrersAPITests {
    static let subject = Digest(of: Data("subject".utf8))
    static let first = Descriptor(mediaType: MediaType.ociManifest, digest: Digest(of: Data("sig".utf8)), size: 3)
    static let second = Descriptor(mediaType: MediaType.ociManifest, digest: Digest(of: Data("sbom".utf8)), size: 4)

    static func page(_ entries: [Descriptor]) -> String {
        let encoded = entries.map { #"{"mediaType":"\#($0.mediaType!)","digest":"\#($0.digest)","size":\#($0.size)}"# }
        return #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","manifests":[\#(encoded.joined(separator: ","))]}"#
    }

    /// `app` has the API (two pages); every other repository answers 404 as distribution 2 does.
    static func server(nextPage: String = "/v2/app/referrers/\(subject)?page=2") throws -> ScriptedServer {
        try ScriptedServer { request in
            guard request.path == "/v2/app/referrers/\(subject)" else { return .status(404, body: "404 page not found") }
            if request.query["page"] == "2" { return .json(page([second])) }
            return .json(page([first]), headers: [("Link", "<\(nextPage)>; rel=\"next\"")])
        }
    }

    static func client() -> RegistryClient {
        RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: 0)), credentials: CredentialStore(explicit: nil, environment: [:]))
    }

    @Test("every page the Link header names; no API means nil, so the caller looks for tags")
    func pages() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let registry = try RegistryAddress(server.origin)
        let found = try await Self.client().referrers(registry, repo: "app", subject: Self.subject)
        #expect(found?.map(\.digest) == [Self.first.digest, Self.second.digest])
        #expect(try await Self.client().referrers(registry, repo: "other", subject: Self.subject) == nil)
    }

    @Test("a next page on another host is refused: credentials stay with the registry")
    func foreignPage() async throws {
        let server = try Self.server(nextPage: "http://elsewhere.example/v2/app/referrers/x")
        defer { server.stop() }
        await #expect(throws: RegistryError.self) {
            try await Self.client().referrers(try RegistryAddress(server.origin), repo: "app", subject: Self.subject)
        }
    }

    @Test("a next page that links back to a page already read is an error, not a list cut short")
    func loopingPage() async throws {
        let server = try Self.server(nextPage: "/v2/app/referrers/\(Self.subject)")
        defer { server.stop() }
        await #expect(throws: RegistryError.self) {
            try await Self.client().referrers(try RegistryAddress(server.origin), repo: "app", subject: Self.subject)
        }
    }

    @Test("a target with the API indexes referrers itself: no fallback index is written")
    func targetWithAPI() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let store = RegistryStore(registry: try RegistryAddress(server.origin), client: Self.client())
        try await store.indexReferrers("app", subject: Self.subject, referrers: [Self.first])
        #expect(server.requests.allSatisfy { $0.method == "GET" }, "\(server.requests.map(\.target))")
    }
}
