import Foundation
import Testing

@testable import RegKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// reg-ls's exit status for registries that answer without a catalog, on a real socket.
@Suite("ListRepositories", .timeLimit(.minutes(1)))
struct ListRepositoriesTests {
    /// Runs the listing of `server`; returns the exit status earned and what was written.
    func list(_ server: ScriptedServer) async throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reg-ls-\(UUID().uuidString)")
        let fd = open(file.path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer {
            close(fd)
            try? FileManager.default.removeItem(at: file)
        }
        let client = RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: 0)), credentials: CredentialStore(explicit: nil, environment: [:]))
        let diagnostics = Diagnostics(tool: "reg-ls-test")
        let context = ToolContext(client: client, diagnostics: diagnostics, output: OutputWriter(fd: fd))
        await ListRepositories(registries: [try RegistryAddress(server.origin)]).run(context)
        context.output.flush()
        return (diagnostics.exitStatus, try String(contentsOf: file, encoding: .utf8))
    }

    @Test("a registry that serves no catalog (404) is an answer, status 1, not trouble")
    func noCatalog() async throws {
        let server = try ScriptedServer { _ in
            .json(#"{"errors":[{"code":"NOT_FOUND","message":"not found"}]}"#, status: 404)
        }
        defer { server.stop() }
        let (status, output) = try await list(server)
        #expect(status == 1)
        #expect(output.isEmpty)
    }

    @Test("a registry that refuses the catalog, or answers 500, is trouble, status 2; a listing is status 0")
    func troubleAndSuccess() async throws {
        let refused = try ScriptedServer { _ in .json(#"{"errors":[{"code":"DENIED"}]}"#, status: 403) }
        defer { refused.stop() }
        #expect(try await list(refused).status == 2)
        let broken = try ScriptedServer { _ in .status(500, body: "boom") }
        defer { broken.stop() }
        #expect(try await list(broken).status == 2)
        let fine = try ScriptedServer { _ in .json(#"{"repositories":["team/app"]}"#) }
        defer { fine.stop() }
        let listed = try await list(fine)
        #expect(listed.status == 0)
        #expect(listed.output == #"{"registry":"\#(fine.origin)","repo":"team/app"}"# + "\n")
    }
}
