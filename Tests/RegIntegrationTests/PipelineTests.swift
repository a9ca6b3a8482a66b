import Foundation
import Testing

/// pipelines/check-replicas and pipelines/retention with what a private registry needs: transport options that
/// reach every tool, credentials from the environment, and honest words on trouble. (Their main behaviour is
/// tested with the tools they drive: DiffTests.checkReplicasPipeline, RemoveTests.retentionPipeline.)
@Suite("Pipelines with transport options and trouble")
struct PipelineTests {
    static func script(_ name: String) -> String { packageRoot().appendingPathComponent("pipelines/\(name)").path }
    static let path = ["PATH": toolDirectory().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]

    /// Two TLS registries with a private CA (both certificates are the one in `caFile`), seeded alike.
    static func tlsReplicas() async throws -> [RegistryServer] {
        async let a = RegistryServer.start(.init(tls: true))
        async let b = RegistryServer.start(.init(tls: true))
        let servers = try await [a, b]
        for server in servers {
            try InventoryTests.seed(server, [server.registry, "--repos", "2", "--tags", "2", "--prefix", "team/app"])
        }
        return servers
    }

    @Test("check-replicas: --ca-file before or after -- reaches reg-ls and reg-diff; options before -- work")
    func checkReplicasWithPrivateCA() async throws {
        let servers = try await Self.tlsReplicas()
        defer { servers.forEach { $0.stop() } }
        let (a, b, ca) = (servers[0].registry, servers[1].registry, servers[0].caFile!)
        let script = Self.script("check-replicas")
        for command in [
            "\(script) --ca-file \(ca) --timeout 10 \(a) \(b)", "\(script) \(a) \(b) -- --ca-file \(ca) --no-extra",
            "\(script) --no-extra \(a) --retries 1 \(b) --ca-file=\(ca)",
        ] {
            let result = try shell(command, env: Self.path)
            #expect(result.status == 0, "\(command): \(result)")
            #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(command): \(result)")
        }
        try InventoryTests.seed(servers[1], ["\(b)/team/app00:1.0.1", "--salt", "drifted"])
        let differ = try shell("\(script) --ca-file \(ca) \(a) \(b)", env: Self.path)
        #expect(differ.status == 1, "\(differ)")
        #expect(differ.stderr.contains("1 changed"), "\(differ)")
        let unknown = try shell("\(script) --snapshot x \(a) \(b)", env: Self.path)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("pass reg-diff options after --"), "\(unknown)")
    }

    @Test("check-replicas: a primary that cannot be listed is trouble (2), whatever reg-diff made of no input")
    func checkReplicasUnreachablePrimary() async throws {
        let servers = try await Self.tlsReplicas()
        defer { servers.forEach { $0.stop() } }
        let result = try shell(
            "\(Self.script("check-replicas")) --retries 0 \(servers[0].registry) \(servers[1].registry)", env: Self.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("certificate"), "reg-ls's own error: \(result)")
        #expect(result.stderr.contains("the replicas were not compared"), "\(result)")
    }

    @Test("retention: --ca-file before or after -- reaches every tool; credentials from REG_*; --password-stdin refused")
    func retentionWithPrivateCA() async throws {
        let server = try await RegistryServer.start(.init(tls: true, auth: .htpasswd))
        defer { server.stop() }
        let newest = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-43_200))
        try InventoryTests.seed(server, [server.registry, "--tags", "4", "--prefix", "ret/app", "--newest", newest])
        let script = Self.script("retention")
        let env = Self.path.merging(server.credentialEnvironment) { _, new in new }
        let ca = server.caFile!
        for options in ["--ca-file \(ca) --timeout 10 --dry-run", "--dry-run -- --ca-file \(ca) --scope repo"] {
            let result = try shell("\(script) \(server.registry) --keep 2 --older-than 2d \(options)", env: env)
            #expect(result.status == 0, "\(options): \(result)")
            #expect(
                result.records.compactMap { $0["status"] as? String } == ["would-delete", "would-delete"], "\(options): \(result)"
            )
            #expect(result.stderr.contains("keep 2 newest, older than 2d: 2 would-delete"), "\(options): \(result)")
        }
        for options in ["--password-stdin", "-- --username ci --password-stdin"] {
            let refused = try shell("\(script) \(server.registry) \(options)", stdin: "pw\n", env: Self.path)
            #expect(refused.status == 2, "\(options): \(refused)")
            #expect(refused.stderr.contains("set REG_USERNAME and REG_PASSWORD in the environment, or log in with docker login"))
            #expect(refused.stdout.isEmpty)
        }
    }

    @Test("retention on trouble says so, with status 2, never 'nothing selected'")
    func retentionTrouble() async throws {
        let server = try await RegistryServer.start(.init(tls: true))
        let unreachable = server.registry
        server.stop()
        let result = try shell("\(Self.script("retention")) \(unreachable) --retries 0 --dry-run", env: Self.path)
        #expect(result.status == 2, "\(result)")
        #expect(!result.stderr.contains("nothing selected"), "\(result)")
        #expect(result.stderr.contains("retention: \(unreachable): stopped by trouble (status 2, see above): nothing deleted"))
        #expect(result.stderr.contains("reg-ls: error: \(unreachable): cannot connect"), "\(result)")
    }
}
