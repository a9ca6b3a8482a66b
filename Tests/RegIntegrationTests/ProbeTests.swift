import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// reg-probe against real registries: one cycle for cron, the server for Prometheus and load balancers,
/// outages, hangs and SIGTERM.
@Suite("reg-probe")
struct ProbeTests {
    static let repo = "monitor/probe"

    /// The tags of the probe repository, through reg-tags (none when the repository has none left).
    static func probeTags(_ server: RegistryServer) throws -> [String] {
        let result = try reg(
            "reg-tags", ["\(server.registry)/\(repo)"] + (server.caFile.map { ["--ca-file", $0] } ?? []),
            env: server.credentialEnvironment)
        guard result.status == 0 else { throw HarnessError("reg-tags failed: \(result)") }
        return result.records.compactMap { $0["tag"] as? String }
    }

    /// Runs `reg-probe --once` against `server` (trusting its certificate).
    static func once(_ server: RegistryServer, _ extra: [String] = [], env: [String: String]? = nil) throws -> ToolResult {
        try reg(
            "reg-probe",
            [server.registry, "--once", "--repo", repo, "--size", "64k"] + (server.caFile.map { ["--ca-file", $0] } ?? [])
                + extra, env: env ?? server.credentialEnvironment)
    }

    @Test("--once against a healthy registry: exit 0, one record with every phase timed, the probe tag gone after")
    func onceHealthy() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let result = try Self.once(server)
        #expect(result.status == 0, "\(result)")
        let record = try #require(result.records.first)
        #expect(result.records.count == 1)
        #expect(record["ok"] as? Bool == true, "\(result)")
        #expect(record["registry"] as? String == server.registry)
        #expect(record["repo"] as? String == Self.repo)
        #expect(record["status"] as? String == "deleted")
        #expect(record["error"] == nil && record["phase"] == nil)
        for phase in ["push", "pull", "list", "delete"] {
            #expect(record["\(phase)Seconds"] is Double || record["\(phase)Seconds"] is Int, "no \(phase)Seconds: \(record)")
        }
        let tag = try #require(record["tag"] as? String)
        #expect(tag.hasPrefix("probe-"))
        #expect((record["digest"] as? String)?.hasPrefix("sha256:") == true)
        // The random layer does not compress: more than --size went up and came back.
        let pushed = try #require(record["bytesPushed"] as? Int)
        #expect(pushed > 64 << 10)
        #expect(record["bytesPulled"] as? Int == pushed)
        #expect(try Self.probeTags(server).isEmpty)
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("--once against a registry with deletion disabled: exit 0, the record says the image was kept and why")
    func deletionDisabled() async throws {
        let server = try await RegistryServer.start(.init(deleteEnabled: false))
        defer { server.stop() }
        let result = try Self.once(server)
        #expect(result.status == 0, "\(result)")
        let record = try #require(result.records.first)
        #expect(record["ok"] as? Bool == true)
        #expect(record["status"] as? String == "kept")
        #expect((record["reason"] as? String)?.contains("storage.delete.enabled") == true, "\(record)")
        #expect(try Self.probeTags(server) == [record["tag"] as? String])
    }

    @Test("--once against a stopped registry: exit 1, the record and one error line name the registry and the phase")
    func stoppedRegistry() throws {
        let registry = "http://127.0.0.1:\(try RegistryServer.freePort())"
        let result = try reg("reg-probe", [registry, "--once", "--repo", Self.repo, "--timeout", "3", "--retries", "0"])
        #expect(result.status == 1, "\(result)")
        let record = try #require(result.records.first)
        #expect(record["ok"] as? Bool == false)
        #expect(record["phase"] as? String == "push")
        #expect((record["error"] as? String)?.contains("cannot connect") == true, "\(record)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result)")
        #expect(lines.first?.hasPrefix("reg-probe: error: \(registry)/\(Self.repo):") == true)
        #expect(lines.first?.contains(": push: ") == true)
    }

    @Test("--once against Basic auth over TLS: with credentials exit 0, without exit 1 naming the push; no secret shown")
    func basicAuth() async throws {
        let server = try await RegistryServer.start(.init(tls: true, auth: .htpasswd))
        defer { server.stop() }
        let with = try Self.once(server)
        #expect(with.status == 0, "\(with)")
        #expect(with.records.first?["status"] as? String == "deleted")
        let without = try Self.once(server, env: [:])
        #expect(without.status == 1, "\(without)")
        #expect(without.records.first?["phase"] as? String == "push")
        #expect(without.stderr.contains("wants credentials"), "\(without)")
        for result in [with, without] {
            #expect(!result.stdout.contains(server.password!) && !result.stderr.contains(server.password!))
        }
        #expect(try Self.probeTags(server).isEmpty)
    }

    @Test("--once against Bearer token auth: with credentials exit 0 and the tag deleted, without exit 1")
    func bearerAuth() async throws {
        let server = try await RegistryServer.start(.init(auth: .token))
        defer { server.stop() }
        let with = try Self.once(server)
        #expect(with.status == 0, "\(with)")
        #expect(with.records.first?["status"] as? String == "deleted")
        #expect(try Self.probeTags(server).isEmpty)
        let without = try Self.once(server, env: [:])
        #expect(without.status == 1, "\(without)")
        #expect(without.records.first?["ok"] as? Bool == false)
        #expect(without.records.first?["phase"] as? String == "push")
    }

    @Test("--base: the probe image is built on another repository's image, whose layer is mounted, not sent")
    func baseImage() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let seeded = try reg("reg-seed", ["\(server.registry)/base/image:1"])
        #expect(seeded.status == 0, "\(seeded)")
        let result = try Self.once(server, ["--base", "\(server.registry)/base/image:1"])
        #expect(result.status == 0, "\(result)")
        let record = try #require(result.records.first)
        #expect(record["ok"] as? Bool == true, "\(result)")
        // The pull reads the base layer too; the push sent only the new layer and config.
        let pushed = try #require(record["bytesPushed"] as? Int)
        let pulled = try #require(record["bytesPulled"] as? Int)
        #expect(pulled > pushed)
        let layers = server.storageRoot.appendingPathComponent("docker/registry/v2/repositories/\(Self.repo)/_layers/sha256")
        let linked = try FileManager.default.contentsOfDirectory(atPath: layers.path)
        #expect(linked.count == 3, "the base layer, the new layer and the config: \(linked)")
        let missing = try reg("reg-probe", [server.registry, "--once", "--base", "\(server.registry)/base/none:1"])
        #expect(missing.status == 1)
        #expect(missing.records.first?["phase"] as? String == "push")
        #expect(missing.stderr.contains("base/none:1"), "\(missing)")
    }

    @Test("bad usage is status 2 with a sentence: a bad --interval, --once with --listen, no registry")
    func usage() throws {
        for args in [
            ["http://127.0.0.1:1", "--interval", "soon"], ["http://127.0.0.1:1", "--once", "--listen", ":0"], [],
            ["http://127.0.0.1:1", "--metrics-compat", "nagios"],
        ] {
            let result = try reg("reg-probe", args)
            #expect(result.status == 2, "\(args): \(result)")
            #expect(result.stdout.isEmpty)
        }
    }
}

/// The parsed exposition, through Python's prometheus_client (Debian's python3-prometheus-client): family name to
/// its type and samples (name, labels, value).
func parsePrometheus(_ text: String) throws -> [String: (
    type: String, samples: [(name: String, labels: [String: String], value: Double)]
)] {
    let script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = {}
        for family in text_string_to_metric_families(sys.stdin.read()):
            out[family.name] = {"type": family.type, "samples": [[s.name, s.labels, s.value] for s in family.samples]}
        print(json.dumps(out))
        """
    let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
    let result = try run([python, "-c", script], stdin: text)
    guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    else { throw HarnessError("prometheus_client could not parse the exposition: \(result)\n\(text)") }
    return object.compactMapValues { value in
        guard let family = value as? [String: Any], let type = family["type"] as? String,
            let samples = family["samples"] as? [[Any]]
        else { return nil }
        return (
            type,
            samples.compactMap { sample in
                guard sample.count == 3, let name = sample[0] as? String, let labels = sample[1] as? [String: String],
                    let value = (sample[2] as? NSNumber)?.doubleValue
                else { return nil }
                return (name, labels, value)
            }
        )
    }
}
