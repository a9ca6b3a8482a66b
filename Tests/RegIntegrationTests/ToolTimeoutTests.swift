import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--timeout` as a user meets it: a registry address where something accepts connections and never answers,
/// and a credential helper that hangs.
@Suite("--timeout")
struct ToolTimeoutTests {
    @Test("reg-ls --timeout 1 on a socket that never answers: status 2 in seconds, 'connected, but no answer'")
    func silentRegistry() throws {
        let silent = try SilentServer()
        let registry = silent.registry
        let start = Date()
        let result = try reg("reg-ls", [registry, "--timeout", "1", "--retries", "1"], timeout: 60)
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("connected, but no answer within 1 s (--timeout)"), "\(result)")
        #expect(!result.stderr.contains("cannot connect"))
        #expect(elapsed < 15, "took \(elapsed) s for two attempts of 1 s")
    }

    @Test("a credential helper that hangs is stopped after --timeout, with a message naming it")
    func hangingHelper() async throws {
        let server = try await RegistryServer.start(.init(auth: .htpasswd))
        defer { server.stop() }
        let home = try makeTemporaryDirectory("slow-helper")
        defer { try? FileManager.default.removeItem(at: home) }
        let helper = home.appendingPathComponent("docker-credential-slowpoke")
        try "#!/bin/sh\nsleep 60\n".write(to: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper.path)
        try #"{"credsStore":"slowpoke"}"#.write(to: home.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let env = [
            "DOCKER_CONFIG": home.path,
            "PATH": home.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ]
        let start = Date()
        let result = try reg("reg-ls", [server.registry, "--timeout", "2"], env: env, timeout: 60)
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.status == 2, "\(result)")
        #expect(
            result.stderr.contains("docker-credential-slowpoke get gave no answer for \(server.hostPort) within 2 s"), "\(result)"
        )
        #expect(elapsed < 20, "took \(elapsed) s")
    }

    @Test("--timeout takes seconds from 1 to 3600")
    func validation() throws {
        let result = try reg("reg-ls", ["http://127.0.0.1:1", "--timeout", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--timeout takes a number of seconds from 1 to 3600"))
    }
}
