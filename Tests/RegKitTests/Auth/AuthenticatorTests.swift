import Foundation
import Synchronization
import Testing

@testable import RegKit

/// The authenticator alone, with token requests caught before they leave the process.
@Suite("Authenticator")
struct AuthenticatorTests {
    static let user = Credentials(username: "alice", password: "s3cret")

    /// The token requests an authenticator made.
    final class Sent: Sendable {
        let requests = Mutex<[HTTPRequest]>([])
    }

    /// An authenticator whose token requests land in `sent` and get a token.
    static func authenticator(_ sent: Sent) -> Authenticator {
        Authenticator(credentials: CredentialStore(explicit: user, environment: [:]), allowsPlainRealm: false) { request in
            sent.requests.withLock { $0.append(request) }
            return HTTPResponse(status: 200, headers: [], body: Data(#"{"token":"T"}"#.utf8), url: request.url)
        }
    }

    @Test("requests that meet the same challenge at once share one token request")
    func oneTokenForConcurrentRequests() async throws {
        let sent = Sent()
        // Credentials from a Docker config: their lookup suspends, as a helper's would.
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("reg-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: config) }
        let auth = Data("alice:s3cret".utf8).base64EncodedString()
        try #"{"auths":{"r.example":{"auth":"\#(auth)"}}}"#.write(
            to: config.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let store = CredentialStore(explicit: nil, environment: ["DOCKER_CONFIG": config.path])
        let authenticator = Authenticator(credentials: store, allowsPlainRealm: false) { request in
            sent.requests.withLock { $0.append(request) }
            return HTTPResponse(status: 200, headers: [], body: Data(#"{"token":"T"}"#.utf8), url: request.url)
        }
        let registry = try RegistryAddress("r.example")
        let header = #"Bearer realm="https://auth.example/token",service="r""#
        let answers = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await authenticator.challenged(registry: registry, scope: .pull("a"), header: header, sent: nil)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.allSatisfy { $0 == "Bearer T" })
        #expect(sent.requests.withLock { $0.count } == 1)
    }

    @Test("an HTTPS registry naming a plain-HTTP token realm: the credentials are not sent in clear text")
    func clearTextRealm() async throws {
        let sent = Sent()
        let authenticator = Self.authenticator(sent)
        let registry = try RegistryAddress("r.example")
        let header = #"Bearer realm="http://auth.example/token",service="r""#
        await #expect(throws: RegistryError.self) {
            try await authenticator.challenged(registry: registry, scope: .pull("a"), header: header, sent: nil)
        }
        #expect(sent.requests.withLock { $0.allSatisfy { $0.header("Authorization") == nil } })

        // A plain-HTTP registry may name a plain-HTTP realm: nothing was private to begin with.
        let plain = try RegistryAddress("http://r.example")
        let answer = try await authenticator.challenged(registry: plain, scope: .pull("a"), header: header, sent: nil)
        #expect(answer == "Bearer T")
        #expect(sent.requests.withLock { $0.last?.header("Authorization") } == Self.user.basicAuthorization)
    }
}
