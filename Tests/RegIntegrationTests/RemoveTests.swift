import Foundation
import Testing

/// reg-rm against real registries, with skopeo as the witness of what is left.
@Suite("reg-rm against real registries")
struct RemoveTests {
    /// `team/app` with tags 1.0.0, 1.0.1, 1.0.2, `latest` sharing 1.0.0's digest,
    /// `other/app:copy` sharing 1.0.1's, and `team/multi:1.0`, a two-platform index.
    static func registry(_ options: RegistryServer.Options = .init()) async throws -> RegistryServer {
        let server = try await RegistryServer.start(options)
        try InventoryTests.seed(server, [server.registry, "--repos", "1", "--tags", "3", "--prefix", "team/app"])
        try InventoryTests.seed(server, ["\(server.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8"])
        try copy(server, "team/app:1.0.0", to: "team/app:latest")
        try copy(server, "team/app:1.0.1", to: "other/app:copy")
        return server
    }

    static func copy(_ server: RegistryServer, _ source: String, to destination: String) throws {
        let result = try skopeo(
            ["copy", "--all"] + server.skopeoSourceArgs + server.skopeoDestArgs
                + [server.dockerReference(source), server.dockerReference(destination)])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The tags skopeo sees in `repo`, sorted; empty when the repository has none.
    static func tags(_ server: RegistryServer, _ repo: String) throws -> [String] {
        let result = try skopeo(["list-tags"] + server.skopeoArgs + [server.dockerReference(repo)])
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { return [] }
        return ((object["Tags"] as? [String]) ?? []).sorted()
    }

    /// True when skopeo can read the manifest of `ref` (a tag or `repo@digest`).
    static func exists(_ server: RegistryServer, _ ref: String) throws -> Bool {
        try skopeo(["inspect", "--raw"] + server.skopeoArgs + [server.dockerReference(ref)]).status == 0
    }

    static func rm(_ server: RegistryServer, _ args: [String], stdin: String? = nil) throws -> ToolResult {
        try reg("reg-rm", args + InventoryTests.tlsArgs(server), stdin: stdin, env: InventoryTests.env(server))
    }

    static func statuses(_ result: ToolResult) -> [String] {
        result.records.map { r in "\(r["repo"]!):\(r["tag"] ?? "@") \(r["status"] ?? "error")" }
    }

    @Test("a digest another tag shares is kept, naming it; selected together or forced, it goes")
    func sharedWithinRepository() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let kept = try Self.rm(server, ["\(server.registry)/team/app:1.0.0"])
        #expect(kept.status == 0, "\(kept)")
        #expect(Self.statuses(kept) == ["team/app:1.0.0 kept"])
        #expect((kept.records.first?["reason"] as? String)?.contains("\(server.registry)/team/app:latest") == true)
        #expect(try Self.tags(server, "team/app") == ["1.0.0", "1.0.1", "1.0.2", "latest"])

        let both = try Self.rm(server, ["\(server.registry)/team/app:1.0.0", "\(server.registry)/team/app:latest"])
        #expect(both.status == 0, "\(both)")
        #expect(Self.statuses(both) == ["team/app:1.0.0 deleted", "team/app:latest deleted"])
        #expect(try Self.tags(server, "team/app") == ["1.0.1", "1.0.2"])
        #expect(both.stderr.contains("garbage"), "the reminder about garbage collection")
    }

    /// PUTs `body` as `repo:reference` with curl, the way any client pushes a manifest.
    static func putManifest(_ server: RegistryServer, _ repo: String, _ reference: String, _ body: Data, type: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reg-manifest-\(UUID().uuidString)")
        try body.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try curl(
            server.curlArgs + [
                "--fail", "-X", "PUT", "-H", "Content-Type: \(type)", "--data-binary", "@\(file.path)",
                "\(server.baseURL)/v2/\(repo)/manifests/\(reference)",
            ])
        #expect(result.status == 0, "PUT \(repo):\(reference): \(result.stderr)")
    }

    /// The bytes of `repo:reference`, asked with every manifest type.
    static func getManifest(_ server: RegistryServer, _ repo: String, _ reference: String) throws -> Data {
        let accept = "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json"
        let result = try curl(server.curlArgs + ["--fail", "-H", accept, "\(server.baseURL)/v2/\(repo)/manifests/\(reference)"])
        #expect(result.status == 0, "GET \(repo):\(reference): \(result.stderr)")
        return Data(result.stdout.utf8)
    }

    @Test("an image reached only through an index of indexes is kept, naming the outer tag")
    func nestedIndex() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        // team/multi:1.0 is a two-platform index; `nested` is an index that lists it, `amd64`
        // tags its first platform image, and 1.0 moves to the second, so the first is reached
        // by `amd64` and, two indexes deep, by `nested` alone.
        let inner = try Self.getManifest(server, "team/multi", "1.0")
        let index = try #require(try JSONSerialization.jsonObject(with: inner) as? [String: Any])
        let platforms = try #require((index["manifests"] as? [[String: Any]])?.compactMap { $0["digest"] as? String })
        let image = try Self.getManifest(server, "team/multi", platforms[0])
        try Self.putManifest(server, "team/multi", "amd64", image, type: "application/vnd.oci.image.manifest.v1+json")
        let outer = Data(
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:\#(sha256Hex(inner))","size":\#(inner.count)}]}"#
                .utf8)
        try Self.putManifest(server, "team/multi", "nested", outer, type: "application/vnd.oci.image.index.v1+json")
        let second = try Self.getManifest(server, "team/multi", platforms[1])
        try Self.putManifest(server, "team/multi", "1.0", second, type: "application/vnd.oci.image.manifest.v1+json")

        let result = try Self.rm(server, ["\(server.registry)/team/multi:amd64"])
        #expect(result.status == 0, "\(result)")
        #expect(Self.statuses(result) == ["team/multi:amd64 kept"])
        #expect((result.records.first?["reason"] as? String)?.contains("team/multi:nested") == true, "\(result)")
        #expect(try Self.exists(server, "team/multi:amd64"))
        #expect(try Self.exists(server, "team/multi:nested"))
    }

    @Test("--force deletes a shared digest, and every tag on it goes with it")
    func forced() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let result = try Self.rm(server, ["--force", "\(server.registry)/team/app:1.0.0"])
        #expect(Self.statuses(result) == ["team/app:1.0.0 deleted"], "\(result)")
        #expect(try Self.tags(server, "team/app") == ["1.0.1", "1.0.2"])
    }

    @Test("a digest another repository shares: kept at registry scope, deleted at repo scope")
    func sharedAcrossRepositories() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let kept = try Self.rm(server, ["\(server.registry)/team/app:1.0.1"])
        #expect(Self.statuses(kept) == ["team/app:1.0.1 kept"], "\(kept)")
        #expect((kept.records.first?["reason"] as? String)?.contains("other/app:copy") == true)

        let scoped = try Self.rm(server, ["--scope", "repo", "\(server.registry)/team/app:1.0.1"])
        #expect(Self.statuses(scoped) == ["team/app:1.0.1 deleted"], "\(scoped)")
        #expect(try Self.tags(server, "team/app") == ["1.0.0", "1.0.2", "latest"])
        #expect(try Self.exists(server, "other/app:copy"), "deletion is per repository in distribution")
    }

    @Test("a selected index is deleted whole; a platform manifest an unselected index lists is kept")
    func index() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let expanded = try reg("reg-manifest", ["--expand", "\(server.registry)/team/multi:1.0"])
        let child = try #require(expanded.records.first?["digest"] as? String)
        let index = try #require(expanded.records.first?["index"] as? String)

        let byDigest = try Self.rm(server, ["\(server.registry)/team/multi@\(child)"])
        #expect(Self.statuses(byDigest) == ["team/multi:@ kept"], "\(byDigest)")
        #expect(try Self.exists(server, "team/multi@\(child)"))

        // Records of single platforms select their tag's whole image: one deletion, the index.
        let result = try shell(
            "\(toolPath("reg-manifest")) --expand \(server.registry)/team/multi:1.0 | \(toolPath("reg-rm"))")
        #expect(result.status == 0, "\(result)")
        #expect(result.records.count == 2)
        #expect(result.records.allSatisfy { $0["status"] as? String == "deleted" && $0["digest"] as? String == index })
        #expect(result.records.allSatisfy { $0["platform"] == nil })
        #expect(try !Self.exists(server, "team/multi:1.0"))
        #expect(try !Self.exists(server, "team/multi@\(index)"))
    }

    @Test("--tag-only removes the tag and keeps the image for its other tag (distribution 2.8: the placeholder fallback)")
    func tagOnly() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let digest = try InventoryTests.digestBySkopeo(server, "team/app:latest")
        let result = try Self.rm(server, ["--tag-only", "\(server.registry)/team/app:latest"])
        #expect(result.status == 0, "\(result)")
        #expect(Self.statuses(result) == ["team/app:latest deleted"])
        #expect(try Self.tags(server, "team/app") == ["1.0.0", "1.0.1", "1.0.2"])
        #expect(try InventoryTests.digestBySkopeo(server, "team/app:1.0.0") == digest)
        #expect(try Self.exists(server, "team/app@\(digest)"))

        let again = try Self.rm(server, ["--tag-only", "\(server.registry)/team/app:latest"])
        #expect(again.status == 0 && Self.statuses(again) == ["team/app:latest absent"], "\(again)")
    }

    @Test("--dry-run reports would-delete and kept, and changes nothing")
    func dryRun() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let before = try Self.tags(server, "team/app")
        let result = try shell(
            "\(toolPath("reg-tags")) \(server.registry)/team/app | \(toolPath("reg-select")) --tag '<1.0.2' | \(toolPath("reg-rm")) --dry-run"
        )
        #expect(result.status == 0, "\(result)")
        #expect(Self.statuses(result) == ["team/app:1.0.0 kept", "team/app:1.0.1 kept"])
        let all = try shell("\(toolPath("reg-tags")) \(server.registry)/team/app | \(toolPath("reg-rm")) --dry-run --scope repo")
        #expect(Self.statuses(all).allSatisfy { $0.hasSuffix("would-delete") } && all.records.count == 4, "\(all)")
        #expect(try Self.tags(server, "team/app") == before)
        #expect(!result.stderr.contains("garbage"))
    }

    @Test("a re-run converges: what is gone is absent, not an error")
    func rerun() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let first = try Self.rm(server, ["\(server.registry)/team/app:1.0.2"])
        #expect(Self.statuses(first) == ["team/app:1.0.2 deleted"], "\(first)")
        let second = try Self.rm(server, ["\(server.registry)/team/app:1.0.2", "\(server.registry)/team/app:1.0.1"])
        #expect(second.status == 0, "\(second)")
        #expect(Self.statuses(second) == ["team/app:1.0.2 absent", "team/app:1.0.1 kept"])
    }

    @Test("a record whose tag moved since it was resolved is kept, and the new image stays")
    func tagMoved() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let saved = try reg("reg-manifest", ["\(server.registry)/team/app:1.0.2"]).stdout
        try InventoryTests.seed(server, ["\(server.registry)/team/app:1.0.2", "--salt", "pushed again"])
        let result = try Self.rm(server, [], stdin: saved)
        #expect(result.status == 0, "\(result)")
        #expect(Self.statuses(result) == ["team/app:1.0.2 kept"])
        #expect((result.records.first?["reason"] as? String)?.contains("now points at") == true)
        #expect(try Self.exists(server, "team/app:1.0.2"))
    }

    @Test("deletion disabled: one clear error naming storage.delete.enabled, exit 2, nothing changed")
    func deletionDisabled() async throws {
        let server = try await Self.registry(.init(deleteEnabled: false))
        defer { server.stop() }
        let input = try reg("reg-tags", ["\(server.registry)/team/app"]).stdout
        let result = try Self.rm(server, ["--scope", "repo"], stdin: input)
        #expect(result.status == 2, "\(result)")
        #expect(result.records.count == 4 && result.records.allSatisfy { ($0["error"] as? String)?.contains("405") == true })
        let lines = result.stderr.split(separator: "\n").filter { $0.contains("storage.delete.enabled") }
        #expect(lines.count == 1, "said once: \(result.stderr)")
        let tagOnly = try Self.rm(server, ["--tag-only", "\(server.registry)/team/app:latest"])
        #expect(tagOnly.status == 2 && tagOnly.stderr.contains("storage.delete.enabled"), "\(tagOnly)")
        // A dry run makes the harmless probe too, rather than promising would-delete.
        for flags in [["--dry-run"], ["--dry-run", "--tag-only"]] {
            let dry = try Self.rm(server, flags + ["--scope", "repo", "\(server.registry)/team/app:1.0.2"])
            #expect(dry.status == 2 && dry.stderr.contains("storage.delete.enabled"), "\(flags): \(dry)")
            #expect(!dry.stdout.contains("would-delete"), "\(dry)")
        }
        #expect(try Self.tags(server, "team/app") == ["1.0.0", "1.0.1", "1.0.2", "latest"])
    }

    @Test("SIGTERM while deleting: records written for everything, what was not deleted says so, and is still there")
    func interruptedBySignal() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try InventoryTests.seed(server, [server.registry, "--repos", "1", "--tags", "150", "--prefix", "many/app"])
        let input = try reg("reg-tags", ["\(server.registry)/many/app"]).stdout
        let directory = try makeTemporaryDirectory("reg-rm-signal")
        defer { try? FileManager.default.removeItem(at: directory) }
        try input.write(to: directory.appendingPathComponent("in"), atomically: true, encoding: .utf8)
        // One delete at a time; SIGTERM as soon as the first record says deleted.
        let script = """
            cd \(directory.path)
            \(toolPath("reg-rm")) --jobs 1 --scope repo < in > out 2> err &
            pid=$!
            for i in $(seq 1 3000); do grep -q '"status":"deleted"' out 2>/dev/null && break; sleep 0.01; done
            kill -TERM $pid
            wait $pid
            echo "status $?"
            """
        let result = try shell(script, timeout: 120)
        let out = try String(contentsOf: directory.appendingPathComponent("out"), encoding: .utf8)
        let err = try String(contentsOf: directory.appendingPathComponent("err"), encoding: .utf8)
        #expect(result.stdout.contains("status 2"), "\(result) \(err)")
        let records = out.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(records.count == 150, "every record written: \(records.count); \(err)")
        let deleted = records.filter { $0["status"] as? String == "deleted" }.count
        let interrupted = records.filter { ($0["error"] as? String)?.contains("interrupted by SIGTERM") == true }.count
        #expect(
            deleted >= 1 && interrupted >= 1 && deleted + interrupted == 150, "\(deleted) deleted, \(interrupted) interrupted")
        #expect(try Self.tags(server, "many/app").count == 150 - deleted)
        #expect(err.contains("SIGTERM"), "\(err)")
    }

    @Test("Basic auth: without credentials exit 2 naming the fix; with them the deletion works")
    func authenticated() async throws {
        let server = try await Self.registry(.init(auth: .htpasswd))
        defer { server.stop() }
        let anonymous = try reg("reg-rm", ["\(server.registry)/team/app:1.0.2"])
        #expect(anonymous.status == 2 && anonymous.stderr.contains("wants credentials"), "\(anonymous)")
        let result = try Self.rm(server, ["\(server.registry)/team/app:1.0.2"])
        #expect(Self.statuses(result) == ["team/app:1.0.2 deleted"], "\(result)")
        #expect(try Self.tags(server, "team/app") == ["1.0.0", "1.0.1", "latest"])
    }

    @Test("Bearer tokens without delete permission: exit 2 naming the missing permission, nothing changed")
    func noDeletePermission() async throws {
        let server = try await Self.registry(.init(auth: .token, deniedActions: ["delete"]))
        defer { server.stop() }
        let result = try Self.rm(
            server, ["--scope", "repo", "\(server.registry)/team/app:1.0.2", "\(server.registry)/team/app:1.0.1"])
        #expect(result.status == 2, "\(result)")
        #expect(result.records.allSatisfy { ($0["error"] as? String)?.contains("delete permission") == true }, "\(result)")
        #expect(result.stderr.split(separator: "\n").filter { $0.contains("delete permission") }.count == 1, "said once")
        #expect(try Self.tags(server, "team/app") == ["1.0.0", "1.0.1", "1.0.2", "latest"])
    }

    @Test("records with error pass through untouched; a record without tag or digest is an error naming it")
    func passThrough() async throws {
        let server = try await Self.registry()
        defer { server.stop() }
        let failed = #"{"registry":"\#(server.registry)","repo":"team/app","tag":"1.0.2","error":"upstream"}"#
        let bare = #"{"registry":"\#(server.registry)","repo":"team/app"}"#
        let result = try Self.rm(server, [], stdin: failed + "\n" + bare + "\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.hasPrefix(failed + "\n"))
        #expect(result.stderr.contains("team/app") && result.stderr.contains("tag or digest"))
        #expect(try Self.tags(server, "team/app") == ["1.0.0", "1.0.1", "1.0.2", "latest"])
    }

    @Test("pipelines/retention: keeps the N newest, deletes the rest older than the age, unless another tag needs it")
    func retentionPipeline() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        // Six tags per repository, created 12 h, 1.5 d, ... 5.5 d ago.
        let newest = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-43_200))
        let seed = [server.registry, "--repos", "2", "--tags", "6", "--prefix", "ret/app", "--newest", newest]
        try InventoryTests.seed(server, seed)
        try InventoryTests.seed(server, ["\(server.registry)/other/keep:1", "--newest", newest])
        try Self.copy(server, "ret/app00:1.0.5", to: "other/keep:pinned")
        let script = packageRoot().appendingPathComponent("pipelines/retention").path
        let command = "\(script) \(server.registry) --keep 2 --older-than 4d --repo 'ret/*'"
        let path = ["PATH": toolDirectory().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]

        let dry = try shell(command + " --dry-run", env: path)
        #expect(dry.status == 0, "\(dry)")
        #expect(
            Self.statuses(dry) == [
                "ret/app00:1.0.4 would-delete", "ret/app00:1.0.5 kept", "ret/app01:1.0.4 would-delete",
                "ret/app01:1.0.5 would-delete",
            ])
        #expect(dry.stderr.contains("retention: \(server.registry)"), "\(dry)")
        #expect(try Self.tags(server, "ret/app00").count == 6)

        let result = try shell(command, env: path)
        #expect(result.status == 0, "\(result)")
        #expect(try Self.tags(server, "ret/app00") == ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.5"])
        #expect(try Self.tags(server, "ret/app01") == ["1.0.0", "1.0.1", "1.0.2", "1.0.3"])
        #expect(try Self.tags(server, "other/keep") == ["1", "pinned"])
    }

    @Test("pipelines/retention: a signature dated 0001-01-01 stays while its image stays and goes with it")
    func retentionWithSignatures() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        // Four tags created 12 h, 1.5 d, 2.5 d and 3.5 d ago; cosign-style signatures of the
        // newest and the oldest, stamped 0001-01-01 as cosign stamps them.
        let newest = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-43_200))
        let images = try InventoryTests.seed(
            server, [server.registry, "--repos", "1", "--tags", "4", "--prefix", "sig/app", "--newest", newest])
        let digests = Dictionary(uniqueKeysWithValues: images.map { ($0["tag"] as! String, $0["digest"] as! String) })
        func signature(of tag: String) -> String { "sha256-" + digests[tag]!.dropFirst(7) + ".sig" }
        for tag in ["1.0.0", "1.0.3"] {
            try InventoryTests.seed(
                server, ["\(server.registry)/sig/app:\(signature(of: tag))", "--newest", "0001-01-01T00:00:00Z", "--salt", tag])
        }
        let script = packageRoot().appendingPathComponent("pipelines/retention").path
        let command = "\(script) \(server.registry) --keep 2 --older-than 2d --repo 'sig/*'"
        let path = ["PATH": toolDirectory().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]

        let result = try shell(command, env: path)
        #expect(result.status == 0, "\(result)")
        #expect(
            Self.statuses(result).sorted() == [
                "sig/app:1.0.2 deleted", "sig/app:1.0.3 deleted", "sig/app:\(signature(of: "1.0.3")) deleted",
            ])
        #expect(try Self.tags(server, "sig/app") == ["1.0.0", "1.0.1", signature(of: "1.0.0")].sorted())
    }
}
