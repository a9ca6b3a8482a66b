import Foundation
import Testing

/// reg-ls, reg-tags and reg-manifest against real registries, checked with skopeo.
@Suite("Inventory against a real registry")
struct InventoryTests {
    /// Credentials for the authenticated registries go through the environment, never argv.
    static func env(_ server: RegistryServer) -> [String: String] {
        guard let user = server.username, let password = server.password else { return [:] }
        return ["REG_USERNAME": user, "REG_PASSWORD": password]
    }

    static func tlsArgs(_ server: RegistryServer) -> [String] {
        server.caFile.map { ["--ca-file", $0] } ?? []
    }

    /// Pushes generated images with reg-seed; returns its records.
    @discardableResult
    static func seed(_ server: RegistryServer, _ args: [String]) throws -> [[String: Any]] {
        let result = try reg("reg-seed", args + tlsArgs(server), env: env(server))
        #expect(result.status == 0, "reg-seed failed: \(result.stderr)")
        return result.records
    }

    static func digestBySkopeo(_ server: RegistryServer, _ ref: String) throws -> String {
        let result = try skopeo(["inspect", "--raw"] + server.skopeoArgs + ["docker://\(server.hostPort)/\(ref)"])
        #expect(result.status == 0, "skopeo inspect failed: \(result.stderr)")
        return "sha256:" + sha256Hex(Data(result.stdout.utf8))
    }

    @Test("every catalog and tag page is read: 105 repositories, 130 tags in one")
    func paging() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try Self.seed(server, [server.registry, "--repos", "105", "--prefix", "many/r"])
        try Self.seed(server, [server.registry, "--repos", "1", "--tags", "130", "--prefix", "big/app"])
        let ls = try reg("reg-ls", [server.registry])
        #expect(ls.status == 0)
        let repos = ls.records.compactMap { $0["repo"] as? String }
        #expect(repos.count == 106)
        #expect(Set(repos).count == 106)
        #expect(repos.contains("many/r000") && repos.contains("many/r104") && repos.contains("big/app"))
        #expect(ls.records.allSatisfy { $0["registry"] as? String == server.registry })

        let tags = try reg("reg-tags", ["\(server.registry)/big/app"])
        #expect(tags.status == 0)
        let skopeoTags = try skopeo(["list-tags"] + server.skopeoArgs + ["docker://\(server.hostPort)/big/app"])
        let expected = try JSONSerialization.jsonObject(with: Data(skopeoTags.stdout.utf8)) as? [String: Any]
        #expect(Set(tags.records.compactMap { $0["tag"] as? String }) == Set(expected?["Tags"] as? [String] ?? []))
        #expect(tags.records.count == 130)
    }

    @Test("reg-ls | reg-tags | reg-manifest: digests match skopeo for OCI, Docker schema2 and an index")
    func pipelineMatchesSkopeo() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try Self.seed(server, ["\(server.registry)/kinds/oci:1", "--format", "oci"])
        try Self.seed(server, ["\(server.registry)/kinds/docker:1", "--format", "docker"])
        try Self.seed(server, ["\(server.registry)/kinds/multi:1", "--platforms", "linux/amd64,linux/arm64/v8"])
        let result = try shell(
            "\(toolPath("reg-ls")) \(server.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest")) --config")
        #expect(result.status == 0, "\(result.stderr)")
        let records = result.records
        #expect(records.count == 3)
        for record in records {
            let ref = "\(record["repo"]!):\(record["tag"]!)"
            #expect(record["digest"] as? String == (try Self.digestBySkopeo(server, ref)), "\(ref)")
            #expect(record["created"] as? String == "2023-11-14T22:13:20Z")
        }
        let byRepo = Dictionary(uniqueKeysWithValues: records.map { ($0["repo"] as! String, $0) })
        #expect(byRepo["kinds/oci"]?["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
        #expect(byRepo["kinds/docker"]?["mediaType"] as? String == "application/vnd.docker.distribution.manifest.v2+json")
        #expect(byRepo["kinds/multi"]?["mediaType"] as? String == "application/vnd.oci.image.index.v1+json")
        #expect(byRepo["kinds/multi"]?["platforms"] as? [String] == ["linux/amd64", "linux/arm64/v8"])
        #expect(byRepo["kinds/oci"]?["platforms"] == nil)
    }

    @Test("content pushed by skopeo reads back: index, expanded platforms, raw manifest")
    func skopeoPushedContent() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let layout = try OCILayout.multiPlatform(seed: "inventory", created: Date(timeIntervalSince1970: 1_600_000_000))
        try push(layout: layout, to: server, repo: "peer/multi", tag: "2.0", all: true)
        let top = try Self.digestBySkopeo(server, "peer/multi:2.0")
        let head = try reg("reg-manifest", ["\(server.registry)/peer/multi:2.0"])
        #expect(head.status == 0, "\(head.stderr)")
        #expect(head.records.first?["digest"] as? String == top)
        let expanded = try reg("reg-manifest", ["--expand", "--config", "\(server.registry)/peer/multi:2.0"])
        #expect(expanded.status == 0, "\(expanded.stderr)")
        #expect(expanded.records.count == 2)
        #expect(expanded.records.allSatisfy { $0["index"] as? String == top })
        #expect(Set(expanded.records.compactMap { $0["platform"] as? String }) == ["linux/amd64", "linux/arm64/v8"])
        for record in expanded.records {
            let child = try Self.digestBySkopeo(server, "peer/multi@\(record["digest"] as! String)")
            #expect(child == record["digest"] as? String)
            #expect(record["created"] as? String == "2020-09-13T12:26:40Z")
        }
        let raw = try reg("reg-manifest", ["--raw", "\(server.registry)/peer/multi:2.0"])
        let skopeoRaw = try skopeo(["inspect", "--raw"] + server.skopeoArgs + ["docker://\(server.hostPort)/peer/multi:2.0"])
        #expect(raw.stdout.trimmingCharacters(in: .newlines) == skopeoRaw.stdout.trimmingCharacters(in: .newlines))
    }

    @Test("records: unknown fields and errors pass through, order is kept, bad lines are named")
    func recordBehaviour() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try Self.seed(server, [server.registry, "--repos", "3", "--tags", "12", "--prefix", "order/r"])
        var lines: [String] = []
        for repo in ["order/r02", "order/r00", "order/r01"] {
            for tag in (0..<12).reversed() {
                lines.append(#"{"registry":"\#(server.registry)","repo":"\#(repo)","tag":"1.0.\#(tag)","note":{"by":"jq"}}"#)
            }
        }
        lines.insert("this is not json", at: 5)
        lines.insert(#"{"registry":"x","repo":"y","tag":"z","error":"earlier failure"}"#, at: 9)
        lines.append(#"{"registry":"\#(server.registry)","repo":"order/r00","tag":"9.9.9"}"#)
        let result = try reg("reg-manifest", ["--jobs", "8"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("stdin:6: not valid JSON"))
        let records = result.records
        #expect(records.count == lines.count - 1)
        let expectedOrder = lines.filter { $0.hasPrefix("{") }.compactMap { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object.map { "\($0["repo"]!):\($0["tag"]!)" }
        }
        #expect(records.map { "\($0["repo"]!):\($0["tag"]!)" } == expectedOrder)
        #expect(records.filter { $0["note"] != nil }.allSatisfy { ($0["note"] as? [String: Any])?["by"] as? String == "jq" })
        let passed = records.first { $0["registry"] as? String == "x" }
        #expect(passed?["error"] as? String == "earlier failure")
        #expect(passed?["digest"] == nil)
        let missing = records.last
        #expect((missing?["error"] as? String)?.contains("not found") == true)
        #expect(
            records.dropLast().filter { $0["error"] == nil }.allSatisfy {
                ($0["digest"] as? String)?.hasPrefix("sha256:") == true
            })
    }

    @Test("a closed downstream pipe ends reg-ls quietly with status 0")
    func closedPipe() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try Self.seed(server, [server.registry, "--repos", "40", "--prefix", "pipe/r"])
        let result = try shell(
            "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do echo \(server.registry); done"
                + " | xargs \(toolPath("reg-ls")) | head -1; echo \"status=${PIPESTATUS[1]}\"")
        #expect(result.stdout.contains("status=0"))
        #expect(!result.stderr.contains("error"))
    }

    @Test("TLS: trusted with --ca-file, refused without it, accepted with --insecure; plain HTTP named")
    func tls() async throws {
        let server = try await RegistryServer.start(.init(tls: true))
        defer { server.stop() }
        try Self.seed(server, ["\(server.registry)/secure/app:1"])
        let trusted = try reg("reg-ls", [server.registry, "--ca-file", server.caFile!])
        #expect(trusted.status == 0)
        #expect(trusted.records.first?["repo"] as? String == "secure/app")
        let refused = try reg("reg-ls", [server.registry, "--retries", "0"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("certificate") && refused.stderr.contains("--ca-file"))
        #expect(refused.stdout.isEmpty)
        let insecure = try reg("reg-tags", ["\(server.registry)/secure/app", "--insecure"])
        #expect(insecure.status == 0)
        #expect(insecure.records.first?["tag"] as? String == "1")

        let plain = try await RegistryServer.start()
        defer { plain.stop() }
        let wrongScheme = try reg("reg-ls", [plain.hostPort, "--retries", "0"])
        #expect(wrongScheme.status == 2)
        #expect(wrongScheme.stderr.contains("http://\(plain.hostPort)"))
    }

    @Test("htpasswd Basic auth: refused without credentials, every credential source works")
    func basicAuth() async throws {
        let server = try await RegistryServer.start(.init(auth: .htpasswd))
        defer { server.stop() }
        try Self.seed(server, ["\(server.registry)/private/app:1"])
        let anonymous = try reg("reg-ls", [server.registry])
        #expect(anonymous.status == 2)
        #expect(anonymous.stderr.contains("wants credentials"))

        let viaEnv = try reg("reg-tags", ["\(server.registry)/private/app"], env: Self.env(server))
        #expect(viaEnv.status == 0)
        #expect(viaEnv.records.count == 1)

        let viaStdin = try reg(
            "reg-manifest", ["--username", server.username!, "--password-stdin"],
            stdin: server.password! + "\n" + #"{"registry":"\#(server.registry)","repo":"private/app","tag":"1"}"# + "\n")
        #expect(viaStdin.status == 0, "\(viaStdin.stderr)")
        #expect((viaStdin.records.first?["digest"] as? String)?.hasPrefix("sha256:") == true)
        #expect(!viaStdin.stdout.contains(server.password!) && !viaStdin.stderr.contains(server.password!))

        let config = FileManager.default.temporaryDirectory.appendingPathComponent("reg-docker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: config) }
        let auth = Data("\(server.username!):\(server.password!)".utf8).base64EncodedString()
        try Data(#"{"auths":{"\#(server.hostPort)":{"auth":"\#(auth)"}}}"#.utf8).write(
            to: config.appendingPathComponent("config.json"))
        let viaConfig = try reg("reg-ls", [server.registry], env: ["DOCKER_CONFIG": config.path])
        #expect(viaConfig.status == 0)
        #expect(viaConfig.records.count == 1)

        let wrong = try reg("reg-ls", [server.registry], env: ["REG_USERNAME": server.username!, "REG_PASSWORD": "wrong"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("denied"))
    }

    @Test("Bearer tokens: fetched from the realm with the right scope, cached per scope")
    func bearerAuth() async throws {
        let server = try await RegistryServer.start(.init(auth: .token))
        defer { server.stop() }
        try Self.seed(server, [server.registry, "--repos", "3", "--tags", "4", "--prefix", "tok/r"])
        let anonymous = try reg("reg-ls", [server.registry])
        #expect(anonymous.status == 2)
        let before = try server.tokensIssued()
        let result = try shell(
            "\(toolPath("reg-ls")) \(server.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest"))",
            env: Self.env(server))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.records.count == 12)
        #expect(result.records.allSatisfy { ($0["digest"] as? String)?.hasPrefix("sha256:") == true })
        // One token for the catalog, and per process one per repository (3 + 3): not one per request,
        // although each process's first requests to a repository go out together, before any token.
        let issued = try server.tokensIssued() - before
        #expect(issued == 7, "issued \(issued) tokens")
    }
}
