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

    @Test("a catalog refused for lack of permission: the message names registry:catalog:* and the credentials' source")
    func catalogPermission() async throws {
        let server = try await RegistryServer.start(.init(auth: .token, deniedActions: ["*"]))
        defer { server.stop() }
        try InventoryTests.seed(server, ["\(server.registry)/team/app:1"])
        let viaEnvironment = try reg("reg-ls", [server.registry], env: server.credentialEnvironment)
        #expect(viaEnvironment.status == 2, "\(viaEnvironment)")
        #expect(viaEnvironment.stderr.contains("no registry:catalog:* permission"), "\(viaEnvironment)")
        #expect(viaEnvironment.stderr.contains("(from REG_USERNAME/REG_PASSWORD)"), "\(viaEnvironment)")
        #expect(viaEnvironment.stderr.contains("reg-tags REGISTRY/REPO"))
        #expect(!viaEnvironment.stderr.contains(server.password!))

        let config = try makeTemporaryDirectory("docker-config")
        defer { try? FileManager.default.removeItem(at: config) }
        let auth = Data("\(server.username!):\(server.password!)".utf8).base64EncodedString()
        try Data(#"{"auths":{"\#(server.hostPort)":{"auth":"\#(auth)"}}}"#.utf8).write(
            to: config.appendingPathComponent("config.json"))
        let viaConfig = try reg("reg-ls", [server.registry], env: ["DOCKER_CONFIG": config.path])
        #expect(viaConfig.status == 2, "\(viaConfig)")
        #expect(viaConfig.stderr.contains("(from auths in \(config.path)/config.json)"), "\(viaConfig)")
    }

    @Test("REG_USERNAME without REG_PASSWORD: one warning, then the run goes on without them")
    func halfAPair() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try InventoryTests.seed(server, ["\(server.registry)/team/app:1"])
        let result = try shell(
            "\(toolPath("reg-ls")) \(server.registry) | \(toolPath("reg-tags")) --jobs 4", env: ["REG_USERNAME": "ci"])
        #expect(result.status == 0, "\(result)")
        #expect(result.records.count == 1)
        let warnings = result.stderr.split(separator: "\n")
        #expect(
            warnings == [
                "reg-ls: warning: REG_USERNAME is set without REG_PASSWORD, so it is ignored: set both, or unset it",
                "reg-tags: warning: REG_USERNAME is set without REG_PASSWORD, so it is ignored: set both, or unset it",
            ]
                || warnings == [
                    "reg-tags: warning: REG_USERNAME is set without REG_PASSWORD, so it is ignored: set both, or unset it",
                    "reg-ls: warning: REG_USERNAME is set without REG_PASSWORD, so it is ignored: set both, or unset it",
                ], "once per tool: \(result.stderr)")
    }
}
