import Foundation
import Testing

/// reg-diff against real registries: exactly the differences, with diff(1)'s exit status.
@Suite("reg-diff against real registries")
struct DiffTests {
    /// Two (or more) registries seeded alike: identical digests.
    static func replicas(_ count: Int, repos: Int = 4, tags: Int = 3) async throws -> [RegistryServer] {
        var servers: [RegistryServer] = []
        for _ in 0..<count {
            let server = try await RegistryServer.start()
            try InventoryTests.seed(
                server, [server.registry, "--repos", "\(repos)", "--tags", "\(tags)", "--prefix", "team/app"])
            try InventoryTests.seed(server, ["\(server.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8"])
            servers.append(server)
        }
        return servers
    }

    static func diff(_ reference: RegistryServer, _ args: [String], input: String = "reg-ls") throws -> ToolResult {
        let source = input == "reg-ls" ? "\(toolPath("reg-ls")) \(reference.registry)" : input
        return try shell("\(source) | \(toolPath("reg-diff")) \(args.joined(separator: " "))")
    }

    static func delete(_ server: RegistryServer, _ repo: String, tag: String) throws {
        let head = try reg(
            "reg-manifest", ["\(server.registry)/\(repo):\(tag)"] + InventoryTests.tlsArgs(server),
            env: InventoryTests.env(server))
        let digest = try #require(head.records.first?["digest"] as? String)
        let result = try skopeo(["delete"] + server.skopeoArgs + ["docker://\(server.hostPort)/\(repo)@\(digest)"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// Each difference as `diff repo:tag` (`-` for a repository), for exact comparisons.
    static func differences(_ result: ToolResult) -> Set<String> {
        Set(result.records.map { "\($0["diff"] ?? "?") \($0["repo"] ?? "?"):\($0["tag"] ?? "-")" })
    }

    /// A path for a snapshot or an input file, removed by the caller.
    static func scratchFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("reg-diff-\(name)-\(UUID().uuidString).ndjson")
    }

    @Test("identical registries: no output, exit 0")
    func identical() async throws {
        let servers = try await Self.replicas(2)
        defer { servers.forEach { $0.stop() } }
        let result = try Self.diff(servers[0], [servers[1].registry])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("deleted, retagged and extra tags, extra and missing repositories, a changed index: exactly those")
    func eachKindOfDifference() async throws {
        let servers = try await Self.replicas(2)
        defer { servers.forEach { $0.stop() } }
        let (a, b) = (servers[0], servers[1])
        try Self.delete(b, "team/app00", tag: "1.0.1")
        try InventoryTests.seed(b, ["\(b.registry)/team/app01:1.0.2", "--salt", "retagged"])
        try InventoryTests.seed(b, ["\(b.registry)/team/app02:7.0"])
        try InventoryTests.seed(b, ["\(b.registry)/only/in-b:1"])
        try InventoryTests.seed(a, ["\(a.registry)/only/in-a:1"])
        try InventoryTests.seed(
            b, ["\(b.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8", "--salt", "new"])
        let result = try Self.diff(a, [b.registry])
        #expect(result.status == 1, "\(result.stderr)")
        let found = Set(
            result.records.map { r in
                [r["diff"], r["repo"], r["tag"] ?? "-", r["target"]].map { "\($0!)" }.joined(separator: " ")
            })
        #expect(
            found == [
                "missing team/app00 1.0.1 \(b.registry)",
                "changed team/app01 1.0.2 \(b.registry)",
                "extra team/app02 7.0 \(b.registry)",
                "extra only/in-b - \(b.registry)",
                "missing only/in-a - \(b.registry)",
                "changed team/multi 1.0 \(b.registry)",
            ])
        #expect(result.records.count == 6)
        let changed = result.records.first { $0["repo"] as? String == "team/app01" }
        let bDigest = try InventoryTests.digestBySkopeo(b, "team/app01:1.0.2")
        #expect(changed?["found"] as? String == bDigest)
        #expect(changed?["digest"] as? String == (try InventoryTests.digestBySkopeo(a, "team/app01:1.0.2")))
        #expect(changed?["registry"] as? String == a.registry)

        let quiet = try Self.diff(a, ["--no-extra", b.registry])
        #expect(quiet.records.count == 4)
        #expect(!quiet.records.contains { $0["diff"] as? String == "extra" })

        // Tag-level input compares those repositories only: no repository extras.
        let scoped = try Self.diff(a, [b.registry], input: "\(toolPath("reg-tags")) \(a.registry)/team/app02")
        #expect(scoped.status == 1)
        #expect(scoped.records.count == 1)
        #expect(scoped.records.first?["tag"] as? String == "7.0")
    }

    @Test("three registries at once: each target's differences, named")
    func threeRegistries() async throws {
        let servers = try await Self.replicas(3)
        defer { servers.forEach { $0.stop() } }
        try Self.delete(servers[2], "team/app03", tag: "1.0.0")
        let result = try Self.diff(servers[0], [servers[1].registry, servers[2].registry])
        #expect(result.status == 1)
        #expect(result.records.count == 1)
        #expect(result.records.first?["target"] as? String == servers[2].registry)
        #expect(result.records.first?["diff"] as? String == "missing")
    }

    @Test("more than 100 repositories and a repository with more than 100 tags")
    func paging() async throws {
        var servers: [RegistryServer] = []
        defer { servers.forEach { $0.stop() } }
        for _ in 0..<2 {
            let server = try await RegistryServer.start()
            servers.append(server)
            try InventoryTests.seed(server, [server.registry, "--repos", "104", "--prefix", "wide/r"])
            try InventoryTests.seed(server, [server.registry, "--repos", "1", "--tags", "115", "--prefix", "deep/app"])
        }
        let same = try Self.diff(servers[0], [servers[1].registry])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.isEmpty)
        try Self.delete(servers[1], "deep/app", tag: "1.1.14")
        try Self.delete(servers[1], "wide/r103", tag: "1.0.0")
        let result = try Self.diff(servers[0], [servers[1].registry])
        #expect(result.status == 1)
        #expect(Set(result.records.map { "\($0["repo"]!):\($0["tag"] ?? "-")" }) == ["deep/app:1.1.14", "wide/r103:1.0.0"])
    }

    @Test("snapshot mode: what changed since the snapshot, same output and exit status")
    func snapshot() async throws {
        let servers = try await Self.replicas(1)
        defer { servers.forEach { $0.stop() } }
        let a = servers[0]
        let snap = FileManager.default.temporaryDirectory.appendingPathComponent("reg-snap-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: snap) }
        let saved = try shell(
            "\(toolPath("reg-ls")) \(a.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest")) > \(snap.path)")
        #expect(saved.status == 0)
        let unchanged = try Self.diff(a, ["--snapshot", snap.path])
        #expect(unchanged.status == 0, "\(unchanged.stderr)")
        #expect(unchanged.stdout.isEmpty)
        try InventoryTests.seed(a, ["\(a.registry)/team/app00:1.0.0", "--salt", "moved"])
        try Self.delete(a, "team/app03", tag: "1.0.2")
        let result = try Self.diff(a, ["--snapshot", snap.path])
        #expect(result.status == 1)
        let found = Set(result.records.map { "\($0["diff"]!) \($0["repo"]!):\($0["tag"] ?? "-") \($0["target"]!)" })
        #expect(found == ["changed team/app00:1.0.0 \(snap.path)", "extra team/app03:1.0.2 \(snap.path)"])
    }

    @Test("an unreachable target is one line and exit 2, not a wall of missing")
    func unreachable() async throws {
        let servers = try await Self.replicas(1)
        defer { servers.forEach { $0.stop() } }
        let dead = try await RegistryServer.start()
        let deadAddress = dead.registry
        dead.stop()
        let result = try Self.diff(servers[0], ["--retries", "0", deadAddress])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let errors = result.stderr.split(separator: "\n").filter { $0.contains("error") }
        #expect(errors.count == 1)
        #expect(errors.first?.contains(deadAddress) == true)
    }

    @Test("pipelines/check-replicas: silent and 0 when identical, records and a summary when not")
    func checkReplicasPipeline() async throws {
        let servers = try await Self.replicas(2)
        defer { servers.forEach { $0.stop() } }
        let script = packageRoot().appendingPathComponent("pipelines/check-replicas").path
        let env = ["PATH": toolDirectory().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
        let same = try shell("\(script) \(servers[0].registry) \(servers[1].registry)", env: env)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.isEmpty && same.stderr.isEmpty)
        try Self.delete(servers[1], "team/app00", tag: "1.0.0")
        let differ = try shell("\(script) \(servers[0].registry) \(servers[1].registry)", env: env)
        #expect(differ.status == 1)
        #expect(differ.records.count == 1)
        #expect(differ.stderr.contains("1 missing"))
    }

    // MARK: - What the reference proves, and what it does not

    @Test("a selection reports no repository or tag only the target has; input proven whole by the reference does")
    func selection() async throws {
        let servers = try await Self.replicas(2)
        defer { servers.forEach { $0.stop() } }
        let (a, b) = (servers[0], servers[1])
        let (ls, tags, select) = ("\(toolPath("reg-ls")) \(a.registry)", toolPath("reg-tags"), toolPath("reg-select"))

        let repos = try Self.diff(a, [b.registry], input: "\(ls) | \(select) --repo 'team/app0[01]'")
        #expect(repos.status == 0, "\(repos)")
        #expect(repos.stdout.isEmpty)
        let someTags = try Self.diff(a, [b.registry], input: "\(ls) | \(tags) | \(select) --tag '>=1.0.1'")
        #expect(someTags.status == 0, "\(someTags)")
        #expect(someTags.stdout.isEmpty)

        try InventoryTests.seed(b, ["\(b.registry)/only/in-b:1"])
        try InventoryTests.seed(b, ["\(b.registry)/team/app01:9.0"])
        let selected = try Self.diff(a, [b.registry], input: "\(ls) | \(select) --repo 'team/app0[02]'")
        #expect(selected.status == 0, "\(selected)")
        #expect(selected.stdout.isEmpty)
        // Tags of a repository that was selected whole are compared whole.
        let oneRepo = try Self.diff(a, [b.registry], input: "\(ls) | \(select) --repo 'team/app01'")
        #expect(Self.differences(oneRepo) == ["extra team/app01:9.0"], "\(oneRepo)")
        // Tag records of every repository of a: a's catalog and tag lists prove them whole.
        let whole = try Self.diff(a, [b.registry], input: "\(ls) | \(tags)")
        #expect(whole.status == 1)
        #expect(Self.differences(whole) == ["extra only/in-b:-", "extra team/app01:9.0"], "\(whole)")
        // --catalog declares a selection whole: the user said so.
        let declared = try Self.diff(a, ["--catalog", b.registry], input: "\(ls) | \(select) --repo 'team/app0[01]'")
        #expect(declared.status == 1)
        #expect(
            Self.differences(declared)
                == [
                    "extra only/in-b:-", "extra team/app01:9.0", "extra team/app02:-", "extra team/app03:-", "extra team/multi:-",
                ],
            "\(declared)")
    }

    @Test("records of reg-manifest --expand compare each tag once, by its index digest")
    func expandedRecords() async throws {
        let servers = try await Self.replicas(2)
        defer { servers.forEach { $0.stop() } }
        let (a, b) = (servers[0], servers[1])
        let expand = "\(toolPath("reg-ls")) \(a.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest")) --expand"
        let same = try Self.diff(a, [b.registry], input: expand)
        #expect(same.status == 0, "\(same)")
        #expect(same.stdout.isEmpty)

        try InventoryTests.seed(
            b, ["\(b.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8", "--salt", "new"])
        let changed = try Self.diff(a, [b.registry], input: expand)
        #expect(changed.status == 1)
        #expect(changed.records.count == 1, "\(changed)")
        let record = try #require(changed.records.first)
        #expect(record["diff"] as? String == "changed" && record["tag"] as? String == "1.0")
        #expect(record["digest"] as? String == (try InventoryTests.digestBySkopeo(a, "team/multi:1.0")))
        #expect(record["found"] as? String == (try InventoryTests.digestBySkopeo(b, "team/multi:1.0")))
        #expect(record["platform"] == nil && record["index"] == nil)

        // The same records as a snapshot.
        let snap = Self.scratchFile("expanded")
        defer { try? FileManager.default.removeItem(at: snap) }
        let saved = try shell("\(expand) > \(snap.path)")
        #expect(saved.status == 0)
        let fromB = try Self.diff(b, ["--snapshot", snap.path])
        #expect(Self.differences(fromB) == ["changed team/multi:1.0"], "\(fromB)")
        #expect(fromB.records.first?["found"] as? String == record["digest"] as? String)
    }

    @Test("an empty input or snapshot is trouble naming it, not 'same'")
    func emptyInputOrSnapshot() async throws {
        let servers = try await Self.replicas(1)
        defer { servers.forEach { $0.stop() } }
        let a = servers[0]
        let empty = try reg("reg-diff", [a.registry], stdin: "")
        #expect(empty.status == 2, "\(empty)")
        #expect(empty.stdout.isEmpty)
        #expect(empty.stderr.split(separator: "\n").count == 1 && empty.stderr.contains("stdin"), "\(empty)")
        let blank = try reg("reg-diff", [a.registry], stdin: "\n  \n")
        #expect(blank.status == 2, "\(blank)")

        let snap = Self.scratchFile("empty")
        defer { try? FileManager.default.removeItem(at: snap) }
        try Data().write(to: snap)
        let result = try Self.diff(a, ["--snapshot", snap.path])
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(snap.path), "\(result)")
        // A snapshot whose every record failed holds nothing either.
        try Data(#"{"registry":"\#(a.registry)","repo":"team/app00","error":"unreachable"}"#.utf8).write(to: snap)
        let failed = try Self.diff(a, ["--snapshot", snap.path])
        #expect(failed.status == 2, "\(failed)")
        #expect(failed.stderr.contains(snap.path))
    }

    @Test("a repository the target lacks: one record for all of it, the tags one by one for a selection of them")
    func missingRepositorySelection() async throws {
        let servers = try await Self.replicas(1)
        let empty = try await RegistryServer.start()
        defer { (servers + [empty]).forEach { $0.stop() } }
        let a = servers[0]
        let tags = "\(toolPath("reg-tags")) \(a.registry)/team/app00"
        let whole = try Self.diff(a, [empty.registry], input: tags)
        #expect(Self.differences(whole) == ["missing team/app00:-"], "\(whole)")
        for flags in [[empty.registry], ["--no-extra", empty.registry]] {
            let selected = try Self.diff(a, flags, input: "\(tags) | \(toolPath("reg-select")) --tag '>=1.0.1'")
            #expect(selected.status == 1)
            #expect(
                Self.differences(selected) == ["missing team/app00:1.0.1", "missing team/app00:1.0.2"], "\(flags): \(selected)")
        }
    }

    @Test("tag input against a snapshot of repositories alone still reports a missing repository")
    func repositorySnapshot() async throws {
        let servers = try await Self.replicas(1)
        defer { servers.forEach { $0.stop() } }
        let a = servers[0]
        let snap = Self.scratchFile("repositories")
        defer { try? FileManager.default.removeItem(at: snap) }
        #expect(try shell("\(toolPath("reg-ls")) \(a.registry) > \(snap.path)").status == 0)
        try InventoryTests.seed(a, ["\(a.registry)/fresh/app:1"])
        let ls = "\(toolPath("reg-ls")) \(a.registry)"
        for input in [ls, "\(ls) | \(toolPath("reg-tags"))", "\(ls) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest"))"] {
            let result = try Self.diff(a, ["--snapshot", snap.path], input: input)
            #expect(result.status == 1, "\(input): \(result)")
            #expect(Self.differences(result) == ["missing fresh/app:-"], "\(input): \(result)")
        }
    }

    @Test("with --catalog, what input records with error name is left out, not reported extra")
    func errorRecordsUnderCatalog() async throws {
        let servers = try await Self.replicas(2)
        defer { servers.forEach { $0.stop() } }
        let (a, b) = (servers[0], servers[1])
        // As a failed reg-tags leaves a repository, and a failed reg-manifest a tag.
        let failing =
            #"if .repo == "team/app01" then {registry, repo, error: "reg-tags failed"} "#
            + #"elif .repo == "team/app02" and .tag == "1.0.1" then . + {error: "reg-manifest failed"} else . end"#
        let input =
            "\(toolPath("reg-ls")) \(a.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest")) | jq -c '\(failing)'"
        let result = try Self.diff(a, ["--catalog", b.registry], input: input)
        #expect(result.status == 1, "\(result)")
        #expect(!result.records.contains { $0["diff"] != nil }, "\(result)")
        #expect(result.records.allSatisfy { $0["error"] != nil } && result.records.count == 4, "\(result)")

        // The same records as a snapshot: what they name is there, not missing, and the snapshot is said incomplete.
        let snap = Self.scratchFile("failed")
        defer { try? FileManager.default.removeItem(at: snap) }
        #expect(try shell("\(input) > \(snap.path)").status == 0)
        let snapshot = try Self.diff(a, ["--snapshot", snap.path])
        #expect(snapshot.status == 1, "\(snapshot)")
        #expect(snapshot.stdout.isEmpty, "\(snapshot)")
        #expect(snapshot.stderr.split(separator: "\n").count == 1 && snapshot.stderr.contains(snap.path), "\(snapshot)")
    }

    @Test("a snapshot mixing records with and without digest: tags compare by digest where it has one, else by name")
    func mixedSnapshot() async throws {
        let servers = try await Self.replicas(1)
        defer { servers.forEach { $0.stop() } }
        let a = servers[0]
        let snap = Self.scratchFile("mixed")
        defer { try? FileManager.default.removeItem(at: snap) }
        let (ls, tags, manifest) = (
            "\(toolPath("reg-ls")) \(a.registry)", toolPath("reg-tags"), toolPath("reg-manifest")
        )
        // Digests for team/app00 and team/app01, then every tag again without one.
        let saved = try shell(
            "{ \(ls) | \(toolPath("reg-select")) --repo 'team/app0[01]' | \(tags) | \(manifest); \(ls) | \(tags); } > \(snap.path)"
        )
        #expect(saved.status == 0)
        let unchanged = try Self.diff(a, ["--snapshot", snap.path])
        #expect(unchanged.status == 0, "\(unchanged)")
        #expect(unchanged.stdout.isEmpty)

        try InventoryTests.seed(a, ["\(a.registry)/team/app00:1.0.0", "--salt", "moved"])
        try InventoryTests.seed(a, ["\(a.registry)/team/app02:1.0.0", "--salt", "moved"])
        try Self.delete(a, "team/app03", tag: "1.0.2")
        let result = try Self.diff(a, ["--snapshot", snap.path])
        #expect(result.status == 1)
        #expect(Self.differences(result) == ["changed team/app00:1.0.0", "extra team/app03:1.0.2"], "\(result)")
    }

    @Test("a repository whose tags were all deleted is a repository with no tags on every path")
    func emptiedRepository() async throws {
        let servers = try await Self.replicas(2)
        defer { servers.forEach { $0.stop() } }
        let (a, b) = (servers[0], servers[1])
        let c = try await RegistryServer.start()
        defer { c.stop() }
        try InventoryTests.seed(c, [c.registry, "--repos", "3", "--tags", "3", "--prefix", "team/app"])
        try InventoryTests.seed(c, ["\(c.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8"])
        for server in [a, b] {
            for tag in ["1.0.0", "1.0.1", "1.0.2"] { try Self.delete(server, "team/app03", tag: tag) }
        }
        // What distribution answers for it: still in the catalog, tags null.
        let list = try curl(["\(a.baseURL)/v2/team/app03/tags/list"])
        #expect(list.stdout.contains(#""tags":null"#), "\(list)")
        let catalog = try curl(["\(a.baseURL)/v2/_catalog"])
        #expect(catalog.stdout.contains("team/app03"), "\(catalog)")

        let snap = Self.scratchFile("emptied")
        defer { try? FileManager.default.removeItem(at: snap) }
        let inventory = "\(toolPath("reg-ls")) \(a.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest"))"
        #expect(try shell("\(inventory) > \(snap.path)").status == 0)
        let runs: [(String, ToolResult)] = [
            ("live, emptied on both", try Self.diff(a, [b.registry])),
            ("live, absent from the target", try Self.diff(a, [c.registry])),
            ("live, absent from the reference", try Self.diff(c, [a.registry])),
            ("tag input, proven whole", try Self.diff(a, [b.registry], input: inventory)),
            ("live against its snapshot", try Self.diff(a, ["--snapshot", snap.path])),
            ("snapshot as input, --catalog", try Self.diff(a, ["--catalog", b.registry], input: "cat \(snap.path)")),
        ]
        for (name, result) in runs {
            #expect(result.status == 0, "\(name): \(result)")
            #expect(result.stdout.isEmpty, "\(name): \(result)")
        }
    }

    @Test("--no-extra compares repository by repository, without the target's catalog")
    func noExtraWithoutCatalog() async throws {
        let servers = try await Self.replicas(1)
        defer { servers.forEach { $0.stop() } }
        let a = servers[0]
        // A registry that serves no catalog to us, as a pull-through cache does.
        let b = try await RegistryServer.start(.init(auth: .token, deniedActions: ["*"]))
        defer { b.stop() }
        try InventoryTests.seed(b, [b.registry, "--repos", "4", "--tags", "3", "--prefix", "team/app"])
        try InventoryTests.seed(b, ["\(b.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8"])
        let env = InventoryTests.env(b)
        #expect(try reg("reg-ls", [b.registry], env: env).status == 2, "b really serves no catalog")

        let ls = "\(toolPath("reg-ls")) \(a.registry)"
        let same = try shell("\(ls) | \(toolPath("reg-diff")) --no-extra \(b.registry)", env: env)
        #expect(same.status == 0, "\(same)")
        #expect(same.stdout.isEmpty)

        try InventoryTests.seed(a, ["\(a.registry)/only/in-a:1"])
        try Self.delete(b, "team/app01", tag: "1.0.1")
        let differ = try shell("\(ls) | \(toolPath("reg-diff")) --no-extra \(b.registry)", env: env)
        #expect(differ.status == 1, "\(differ)")
        #expect(Self.differences(differ) == ["missing only/in-a:-", "missing team/app01:1.0.1"], "\(differ)")

        // b as the reference: its catalog cannot prove the input whole, so the input is a selection, said once.
        let reference = try shell(
            "\(toolPath("reg-tags")) \(b.registry)/team/app00 | \(toolPath("reg-diff")) \(a.registry)", env: env)
        #expect(reference.status == 0, "\(reference)")
        #expect(reference.stdout.isEmpty)
        #expect(reference.stderr.split(separator: "\n").count == 1 && reference.stderr.contains("catalog"), "\(reference)")
    }
}
