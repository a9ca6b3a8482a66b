import Foundation
import Testing

/// Where credentials go, and what a tool says about them, against real registries.
@Suite("Credentials against a real registry")
struct CredentialTests {
    /// Token requests the issuer received with the test user's credentials.
    static func authenticatedTokenRequests(_ server: RegistryServer) throws -> Int {
        try server.tokenRequests().filter { $0["user"] as? String == RegistryServer.testUsername }.count
    }

    @Test("an HTTPS registry whose token realm is plain http://: no credentials sent there unless --insecure")
    func plainTextRealm() async throws {
        let server = try await RegistryServer.start(.init(tls: true, auth: .token))
        defer { server.stop() }
        #expect(server.tokenRealm?.hasPrefix("http://") == true)
        try reg("reg-seed", ["\(server.registry)/sec/app:1", "--insecure"], env: server.credentialEnvironment)
        let before = try Self.authenticatedTokenRequests(server)

        let refused = try reg("reg-ls", [server.registry, "--ca-file", server.caFile!], env: server.credentialEnvironment)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stdout.isEmpty)
        let errors = refused.stderr.split(separator: "\n")
        #expect(errors.count == 1, "\(refused)")
        #expect(errors.first?.contains("\(server.tokenRealm!), over plain HTTP: refusing to send the credentials") == true)
        #expect(errors.first?.contains("--insecure") == true)
        #expect(try Self.authenticatedTokenRequests(server) == before, "credentials went to the plain-HTTP realm")

        let allowed = try reg("reg-ls", [server.registry, "--insecure"], env: server.credentialEnvironment)
        #expect(allowed.status == 0, "\(allowed)")
        #expect(allowed.records.first?["repo"] as? String == "sec/app")
        #expect(try Self.authenticatedTokenRequests(server) > before)
    }
}
