import Foundation
import Testing

@testable import RegKit

/// What a registry's error answer becomes in a message, through a real socket: registry JSON, a proxy's
/// HTML page, or nothing but a status line.
@Suite("Error messages from error answers", .timeLimit(.minutes(1)))
struct ErrorMessageTests {
    func failure(_ reply: ScriptedReply) async throws -> String {
        let server = try ScriptedServer { _ in reply }
        defer { server.stop() }
        let client = RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: 0)), credentials: CredentialStore(explicit: nil, environment: [:]))
        let error = await #expect(throws: RegistryError.self) {
            try await client.tags(try RegistryAddress(server.origin), repo: "team/app") { _ in }
        }
        return error?.description.replacingOccurrences(of: server.origin, with: "REG") ?? ""
    }

    @Test("an HTML error page is shown by its title, not raw")
    func htmlTitle() async throws {
        let page = """
            <html>
            <head><title>502 Bad Gateway</title></head>
            <body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body>
            </html>
            """
        let message = try await failure(.status(502, headers: [("Content-Type", "text/html")], body: page))
        #expect(message == "REG/team/app: HTTP 502: 502 Bad Gateway")
    }

    @Test("an HTML page without a title: the status line's reason phrase")
    func htmlWithoutTitle() async throws {
        let message = try await failure(
            .status(503, headers: [("Content-Type", "text/html")], body: "<html><body><p>down</p></body></html>"))
        #expect(message == "REG/team/app: HTTP 503: Service Unavailable")
    }

    @Test("registry JSON and plain text are shown as before")
    func jsonAndText() async throws {
        let json = try await failure(.json(#"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#, status: 429))
        #expect(json == "REG/team/app: HTTP 429: TOOMANYREQUESTS: slow down")
        let text = try await failure(.status(503, body: "upstream connect error\nmore detail"))
        #expect(text == "REG/team/app: HTTP 503: upstream connect error")
        let empty = try await failure(.status(503))
        #expect(empty == "REG/team/app: HTTP 503: Service Unavailable")
    }

    /// The message of a catalog listing that a server refuses with 403, with or without `--username`.
    func catalogRefusal(credentials: Credentials?) async throws -> String {
        let server = try ScriptedServer { _ in
            .json(#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#, status: 403)
        }
        defer { server.stop() }
        let client = RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: 0)),
            credentials: CredentialStore(explicit: credentials, environment: [:]))
        let error = await #expect(throws: RegistryError.self) {
            try await client.catalog(try RegistryAddress(server.origin)) { _ in }
        }
        #expect(error?.isTrouble == true)
        return error?.description.replacingOccurrences(of: server.origin, with: "REG") ?? ""
    }

    @Test("a refused catalog names registry:catalog:* and where the credentials came from")
    func catalogDenied() async throws {
        let flagged = try await catalogRefusal(credentials: Credentials(username: "ci", password: "pw"))
        #expect(
            flagged
                == "REG catalog: forbidden by REG (HTTP 403): the credentials from --username lack registry:catalog:* permission; without it, list a repository with reg-tags REGISTRY/REPO"
        )
        #expect(!flagged.contains("pw"))
        let anonymous = try await catalogRefusal(credentials: nil)
        #expect(anonymous.contains("anonymous access lacks registry:catalog:* permission: log in"), "\(anonymous)")
    }
}
