import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `reg-probe --listen`: several registries, outages, a hang, SIGTERM; the endpoints read with curl and the
/// exposition with Python's prometheus_client, as Prometheus and a load balancer read them.
@Suite("reg-probe server")
struct ProbeServerTests {
    /// `GET base + path`: the status code and the body.
    static func get(_ base: String, _ path: String) throws -> (code: Int, body: String) {
        let result = try curl(["--max-time", "10", "--write-out", "\n%{http_code}", base + path])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// The value of the sample `name` with `labels` in `base`'s exposition; nil when there is none.
    static func sample(_ base: String, _ name: String, _ labels: [String: String]) throws -> Double? {
        let families = try parsePrometheus(try get(base, "/metrics").body)
        return families.values.flatMap(\.samples).first { $0.name == name && $0.labels == labels }?.value
    }

    /// The sample names of `base`'s exposition exactly as written (what PromQL selects).
    static func exposedNames(_ base: String) throws -> Set<String> {
        let lines = try get(base, "/metrics").body.split(separator: "\n").filter { !$0.hasPrefix("#") }
        return Set(lines.map { String($0.prefix { $0 != "{" && $0 != " " }) })
    }

    @Test(
        "two registries: /metrics parses and moves; one stopped flips /status to 503 naming it, the other keeps being probed; restarted, 200 again; /health 200 throughout"
    )
    func outage() async throws {
        let a = try await RegistryServer.start()
        defer { a.stop() }
        let b = try await RegistryServer.start()
        defer { b.stop() }
        let probe = try BackgroundTool(
            "reg-probe",
            [
                a.registry, b.registry, "--repo", ProbeTests.repo, "--interval", "1s", "--timeout", "10", "--retries", "0",
                "--size", "16k", "--listen", "127.0.0.1:0", "--metrics-compat", "registry-monitor",
            ])
        let base = try probe.listeningAddress()
        var healthCodes: [Int] = []
        func status(_ query: String = "") throws -> (code: Int, body: String) {
            healthCodes.append(try Self.get(base, "/health").code)
            return try Self.get(base, "/status" + query)
        }

        _ = try probe.wait(for: "/status 200") { try status().code == 200 ? true : nil }
        let families = try parsePrometheus(try Self.get(base, "/metrics").body)
        #expect(families["reg_probe_cycles"]?.type == "counter")
        #expect(families["reg_probe_phase_duration_seconds"]?.type == "histogram")
        #expect(families["reg_probe_last_success_timestamp_seconds"]?.type == "gauge")
        #expect(families["reg_probe_pushed_bytes"]?.type == "counter")
        #expect(families["reg_probe_pulled_bytes"]?.type == "counter")
        #expect(families["monitor_success"]?.type == "counter")
        #expect(families["monitor_failure"]?.type == "counter")
        #expect(families["monitor_pull"]?.type == "histogram")
        #expect(families["monitor_push"]?.type == "histogram")
        let success = ["registry": a.registry, "result": "success"]
        let before = try #require(try Self.sample(base, "reg_probe_cycles_total", success))
        _ = try probe.wait(for: "a's successes to grow") {
            try Self.sample(base, "reg_probe_cycles_total", success).flatMap { $0 > before ? $0 : nil }
        }
        // The parser names old-style counters' samples with _total; Prometheus stores them as exposed.
        #expect(try Self.sample(base, "monitor_success_total", ["registry": a.registry]) ?? 0 > 0)
        #expect(try Self.exposedNames(base).isSuperset(of: ["monitor_success", "monitor_pull_sum", "monitor_push_count"]))
        #expect(try Self.sample(base, "reg_probe_pushed_bytes_total", ["registry": a.registry]) ?? 0 > Double(16 << 10))

        b.stopRegistry()
        let down = try probe.wait(for: "/status 503 naming b") { () -> String? in
            let answer = try status()
            return answer.code == 503 && answer.body.contains(b.registry) ? answer.body : nil
        }
        let entries = try #require(
            (try JSONSerialization.jsonObject(with: Data(down.utf8)) as? [String: Any])?["registries"] as? [[String: Any]])
        let failing = try #require(entries.first { $0["registry"] as? String == b.registry })
        #expect(failing["ok"] as? Bool == false)
        #expect(failing["phase"] as? String == "push")
        #expect(failing["since"] is String)
        #expect(entries.first { $0["registry"] as? String == a.registry }?["ok"] as? Bool == true)
        #expect(try status("?registry=\(a.registry)").code == 200)
        #expect(try status("?registry=\(b.registry)").code == 503)
        #expect(try status("?registry=http://127.0.0.1:1").code == 404)
        // While b is down, a keeps its cycles.
        let during = try #require(try Self.sample(base, "reg_probe_cycles_total", success))
        _ = try probe.wait(for: "a's cycles while b is down") {
            try Self.sample(base, "reg_probe_cycles_total", success).flatMap { $0 >= during + 2 ? $0 : nil }
        }
        #expect(try status().code == 503)
        #expect(try Self.sample(base, "monitor_failure_total", ["registry": b.registry]) ?? 0 > 0)

        try b.restartRegistry()
        _ = try probe.wait(for: "/status 200 after the restart") { try status().code == 200 ? true : nil }
        #expect(healthCodes.allSatisfy { $0 == 200 }, "\(healthCodes)")

        // The alert rules shipped in pipelines/monitor/ use only names the tool exposes.
        let exposed = try Self.exposedNames(base)
        let rules = try String(
            contentsOf: packageRoot().appendingPathComponent("pipelines/monitor/alerts.yml"), encoding: .utf8)
        let used = Set(
            rules.matches(of: /\b(reg_probe_[a-z_]+|monitor_[a-z_]+)\b/).map { String($0.output.1) })
        #expect(!used.isEmpty)
        for name in used { #expect(exposed.contains(name), "alerts.yml uses \(name), which /metrics does not expose") }

        probe.send(SIGTERM)
        #expect(probe.waitForExit() == 0, "\(probe.stderr)")
        #expect(try curl(["--max-time", "5", base + "/health"]).status != 0, "the listener is still open")
    }

    @Test("a registry that accepts and never answers fails by --timeout while the other's cycles go on")
    func hangingRegistry() async throws {
        let silent = try SilentServer()
        let hung = silent.registry
        let healthy = try await RegistryServer.start()
        defer { healthy.stop() }
        let probe = try BackgroundTool(
            "reg-probe",
            [hung, healthy.registry, "--repo", ProbeTests.repo, "--interval", "1s", "--timeout", "4", "--size", "4k"])
        let failure = try probe.wait(for: "the hung registry's failed cycle") {
            probe.records.first { $0["registry"] as? String == hung }
        }
        #expect(failure["ok"] as? Bool == false)
        #expect(failure["phase"] as? String == "push")
        #expect((failure["error"] as? String)?.contains("--timeout") == true, "\(failure)")
        // While the hung registry's one cycle ran, the healthy one started cycles of its own.
        let start = try #require(Self.time(failure["started"]))
        let end = start.addingTimeInterval(try #require(failure["pushSeconds"] as? Double))
        let _ = try probe.wait(for: "the healthy registry's records up to the hung cycle's end") {
            probe.records.contains {
                $0["registry"] as? String == healthy.registry && Self.time($0["started"]).map { $0 > end } == true
            } ? true : nil
        }
        let meanwhile = probe.records.filter { record in
            guard record["registry"] as? String == healthy.registry, let started = Self.time(record["started"]) else {
                return false
            }
            return started >= start && started <= end
        }
        #expect(meanwhile.count >= 2, "\(probe.stdout)")
        #expect(meanwhile.allSatisfy { $0["ok"] as? Bool == true }, "\(probe.stdout)")
        probe.send(SIGTERM)
        #expect(probe.waitForExit() == 0, "\(probe.stderr)")
    }

    @Test("SIGTERM during a cycle: the cycle ends, its probe image is deleted, exit 0")
    func sigtermMidCycle() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        // A large layer makes a cycle long enough to be caught between its push and its delete.
        let probe = try BackgroundTool(
            "reg-probe", [server.registry, "--repo", ProbeTests.repo, "--size", "24m", "--verbose", "--listen", "127.0.0.1:0"])
        let base = try probe.listeningAddress()
        #expect(try Self.get(base, "/health").code == 200)
        _ = try probe.wait(for: "the pull phase") { probe.stderr.contains(": pull") ? true : nil }
        probe.send(SIGTERM)
        #expect(probe.waitForExit(seconds: 120) == 0, "\(probe.stderr)")
        #expect(try ProbeTests.probeTags(server).isEmpty, "\(probe.stdout)\n\(probe.stderr)")
        let record = try #require(probe.records.last)
        #expect(record["status"] as? String == "deleted", "\(record)")
        #expect(try curl(["--max-time", "5", base + "/health"]).status != 0, "the listener is still open")
    }

    static func time(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
