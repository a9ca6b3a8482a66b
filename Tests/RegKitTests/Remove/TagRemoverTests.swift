import Foundation
import Testing

@testable import RegKit

/// TagRemover against a scripted server, for what distribution 2.8 cannot answer:
/// an OCI 1.1 tag DELETE, and a placeholder that cannot be deleted again.
@Suite("TagRemover over a scripted server", .timeLimit(.minutes(1)))
struct TagRemoverTests {
    static let digest = Digest(of: Array("the image".utf8))

    func remover() -> TagRemover {
        TagRemover(
            client: RegistryClient(
                options: ClientOptions(retry: RetryPolicy(retries: 0)),
                credentials: CredentialStore(explicit: nil, environment: [:])))
    }

    @Test("a registry that deletes tags: one DELETE on the tag, nothing pushed")
    func ociTagDelete() async throws {
        let server = try ScriptedServer { request in
            request.method == "DELETE" && request.path == "/v2/team/app/manifests/latest" ? .status(202) : .status(500)
        }
        defer { server.stop() }
        let outcome = try await remover().remove(
            try RegistryAddress(server.origin), repo: "team/app", tag: "latest", digest: Self.digest)
        #expect(outcome == .removed)
        #expect(server.requests.map { "\($0.method) \($0.path)" } == ["DELETE /v2/team/app/manifests/latest"])
    }

    @Test("a tag already gone is absent")
    func absent() async throws {
        let server = try ScriptedServer { _ in .json(#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#, status: 404) }
        defer { server.stop() }
        let outcome = try await remover().remove(try RegistryAddress(server.origin), repo: "app", tag: "old", digest: Self.digest)
        #expect(outcome == .absent)
    }

    @Test("fallback: a placeholder that cannot be deleted again is an error naming it and the tag")
    func placeholderLeft() async throws {
        let digest = Self.digest
        let server = try ScriptedServer { request in
            switch (request.method, request.path) {
            case ("DELETE", "/v2/app/manifests/latest"):
                return .json(#"{"errors":[{"code":"DIGEST_INVALID"}]}"#, status: 400)
            case ("DELETE", _) where request.index == 1:
                return .json(#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#, status: 404)  // the deletion probe
            case ("HEAD", "/v2/app/manifests/latest"):
                return .status(
                    200,
                    headers: [
                        ("Docker-Content-Digest", digest.description), ("Content-Type", MediaType.ociManifest),
                    ])
            case ("HEAD", _):
                return .status(200)  // the empty blob is there
            case ("PUT", "/v2/app/manifests/latest"):
                return .status(201)
            default:
                return .status(500, body: "storage failure")
            }
        }
        defer { server.stop() }
        await #expect {
            try await remover().remove(try RegistryAddress(server.origin), repo: "app", tag: "latest", digest: digest)
        } throws: { error in
            let message = "\(error)"
            return message.contains("app:latest now points at the placeholder sha256:") && message.contains("HTTP 500")
        }
        #expect(server.requests.last?.method == "DELETE")
    }

    @Test("fallback: a tag that moved since it was resolved is left alone")
    func moved() async throws {
        let other = Digest(of: Array("another image".utf8))
        let server = try ScriptedServer { request in
            switch request.method {
            case "DELETE" where request.index == 0: return .json(#"{"errors":[{"code":"DIGEST_INVALID"}]}"#, status: 400)
            case "DELETE": return .status(404)
            case "HEAD":
                return .status(
                    200,
                    headers: [
                        ("Docker-Content-Digest", other.description), ("Content-Type", MediaType.ociManifest),
                    ])
            default: return .status(500)
            }
        }
        defer { server.stop() }
        let outcome = try await remover().remove(try RegistryAddress(server.origin), repo: "app", tag: "v1", digest: Self.digest)
        #expect(outcome == .moved(to: other.description))
        #expect(!server.requests.contains { $0.method == "PUT" })
    }

    @Test("405 on the tag DELETE is tag deletion disabled: the digest probe says deletion works, so the fallback runs")
    func tagDeletionDisabled() async throws {
        let digest = Self.digest
        let server = try ScriptedServer { request in
            switch (request.method, request.path) {
            case ("DELETE", "/v2/app/manifests/latest"):
                return .json(#"{"errors":[{"code":"UNSUPPORTED","message":"tag deletion is disabled"}]}"#, status: 405)
            case ("DELETE", _) where request.index == 1:
                return .json(#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#, status: 404)  // the deletion probe
            case ("HEAD", "/v2/app/manifests/latest"):
                return .status(
                    200,
                    headers: [("Docker-Content-Digest", digest.description), ("Content-Type", MediaType.ociManifest)])
            case ("HEAD", _):
                return .status(200)  // the empty blob is there
            case ("PUT", "/v2/app/manifests/latest"), ("DELETE", _):
                return .status(request.method == "PUT" ? 201 : 202)
            default:
                return .status(500, body: "unexpected")
            }
        }
        defer { server.stop() }
        let outcome = try await remover().remove(try RegistryAddress(server.origin), repo: "app", tag: "latest", digest: digest)
        #expect(outcome == .removed)
        let methods = server.requests.map(\.method)
        #expect(methods.first == "DELETE" && methods.last == "DELETE" && methods.contains("PUT"), "\(methods)")
    }
}
