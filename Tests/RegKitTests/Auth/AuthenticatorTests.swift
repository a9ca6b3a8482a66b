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
