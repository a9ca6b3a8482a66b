import Foundation
import Testing

/// pipelines/mirror.mk end to end, through make, between two real registries: what it copies (checked with skopeo),
/// that a second run copies nothing, and what pruning deletes and keeps. Deletion is enabled at the destination
/// (``RegistryServer/Options/deleteEnabled``, the default).
@Suite("pipelines/mirror.mk")
struct MirrorPipelineTests {
    static let makefile = packageRoot().appendingPathComponent("pipelines/mirror.mk").path
    static let path = ["PATH": toolDirectory().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]

    /// `make -s -f pipelines/mirror.mk SRC=... DST=...` and `variables` (written for the shell), our tools on PATH.
    static func mirror(_ src: RegistryServer, _ dst: RegistryServer, _ variables: String = "") throws -> ToolResult {
        try shell("make -s -f \(makefile) SRC=\(src.registry) DST=\(dst.registry) \(variables)", env: path, timeout: 300)
    }

    /// Each record as `repo:tag status` (`diff` when reg-copy passed it through with no status), for exact checks.
    static func outcomes(_ result: ToolResult) -> [String] {
        result.records.map { r in "\(r["repo"]!):\(r["tag"] ?? "-") \(r["status"] ?? r["diff"] ?? "error")" }
    }

    /// The manifest digest skopeo reads at `ref`, or nil when it cannot read one.
    static func digest(_ server: RegistryServer, _ ref: String) throws -> String? {
        let result = try skopeo(["inspect", "--raw"] + server.skopeoArgs + [server.dockerReference(ref)])
        return result.status == 0 ? "sha256:" + sha256Hex(Data(result.stdout.utf8)) : nil
    }

    /// A source with two selected repositories of three tags, a multi-platform image and an unselected repository;
    /// a destination that already holds a repository of its own.
    static func registries() async throws -> (RegistryServer, RegistryServer) {
        async let source = RegistryServer.start()
        async let destination = RegistryServer.start()
        let (src, dst) = try await (source, destination)
        try InventoryTests.seed(src, [src.registry, "--repos", "2", "--tags", "3", "--prefix", "team/app"])
        try InventoryTests.seed(src, ["\(src.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8"])
        try InventoryTests.seed(src, ["\(src.registry)/other/skip:1"])
        try InventoryTests.seed(dst, ["\(dst.registry)/other/dst-only:1"])
        return (src, dst)
    }

    static let selected = [
        "team/app00:1.0.0", "team/app00:1.0.1", "team/app00:1.0.2", "team/app01:1.0.0", "team/app01:1.0.1",
        "team/app01:1.0.2", "team/multi:1.0",
    ]

    @Test("copies the selection (skopeo reads the source's digests), nothing on a second run, and prunes what the source dropped")
    func mirrorAndPrune() async throws {
        let (src, dst) = try await Self.registries()
        defer { [src, dst].forEach { $0.stop() } }
        let select = "SELECT=\"--repo 'team/*'\""

        let first = try Self.mirror(src, dst, select)
        #expect(first.status == 0, "\(first)")
        #expect(Self.outcomes(first) == Self.selected.map { "\($0) copied" }, "\(first)")
        #expect(first.stderr.contains("mirror: \(src.registry) -> \(dst.registry): 7 copied"), "\(first)")
        for ref in Self.selected {
            let expected = try #require(try Self.digest(src, ref))
            #expect(try Self.digest(dst, ref) == expected, "\(ref)")
        }
        let index = try skopeo(["inspect", "--raw"] + dst.skopeoArgs + [dst.dockerReference("team/multi:1.0")])
        #expect(index.stdout.contains("\"manifests\""), "the multi-platform image stays an index: \(index)")
        #expect(try Self.digest(dst, "other/skip:1") == nil, "an unselected repository is not copied")
        #expect(try RemoveTests.tags(dst, "other/dst-only") == ["1"])

        let second = try Self.mirror(src, dst, select)
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.isEmpty, "no difference, nothing copied: \(second)")
        #expect(second.stderr.contains("mirror: \(src.registry) -> \(dst.registry): nothing to copy"), "\(second)")

        // A tag moves at the source: reg-diff finds it changed, and the copy moves it at the destination.
        try InventoryTests.seed(src, ["\(src.registry)/team/app01:1.0.2", "--salt", "moved"])
        let moved = try Self.mirror(src, dst, select)
        #expect(moved.status == 0, "\(moved)")
        #expect(Self.outcomes(moved) == ["team/app01:1.0.2 copied"], "\(moved)")
        #expect(moved.records.first?["diff"] as? String == "changed", "\(moved)")
        let movedDigest = try #require(try Self.digest(src, "team/app01:1.0.2"))
        #expect(try Self.digest(dst, "team/app01:1.0.2") == movedDigest)

        // The source drops a tag; the destination gains a tag of its own on a digest a mirrored tag needs.
        try DiffTests.delete(src, "team/app00", tag: "1.0.0")
        try RemoveTests.copy(dst, "team/app01:1.0.1", to: "team/app01:pinned")
        let unpruned = try Self.mirror(src, dst, select)
        #expect(unpruned.status == 0, "\(unpruned)")
        #expect(Self.outcomes(unpruned) == ["team/app00:1.0.0 extra", "team/app01:pinned extra"], "\(unpruned)")
        let dry = try Self.mirror(src, dst, select + " PRUNE=1 DRY_RUN=1")
        #expect(dry.status == 0, "\(dry)")
        #expect(Self.outcomes(dry) == ["team/app00:1.0.0 would-delete", "team/app01:pinned kept"], "\(dry)")
        #expect(try RemoveTests.tags(dst, "team/app00") == ["1.0.0", "1.0.1", "1.0.2"])

        let pruned = try Self.mirror(src, dst, select + " prune")
        #expect(pruned.status == 0, "\(pruned)")
        #expect(Self.outcomes(pruned) == ["team/app00:1.0.0 deleted", "team/app01:pinned kept"], "\(pruned)")
        let kept = try #require(pruned.records.last)
        #expect(kept["registry"] as? String == dst.registry, "reg-rm was handed the destination: \(pruned)")
        #expect((kept["reason"] as? String)?.contains("team/app01:1.0.1") == true, "\(pruned)")
        #expect(pruned.stderr.contains("mirror: prune \(dst.registry): 1 deleted, 1 kept"), "\(pruned)")
        #expect(try RemoveTests.tags(dst, "team/app00") == ["1.0.1", "1.0.2"])
        #expect(try RemoveTests.tags(dst, "team/app01") == ["1.0.0", "1.0.1", "1.0.2", "pinned"])
        #expect(try Self.digest(dst, "team/app01:1.0.1") == Self.digest(src, "team/app01:1.0.1"))
        #expect(try RemoveTests.tags(dst, "other/dst-only") == ["1"], "outside the selection: never pruned")
        #expect(try RemoveTests.tags(src, "team/app00") == ["1.0.1", "1.0.2"], "the source is only read")
    }

    @Test("a tag filter holds for a repository the destination lacks, and proves no tag extra")
    func tagFilter() async throws {
        let (src, dst) = try await Self.registries()
        defer { [src, dst].forEach { $0.stop() } }
        // reg-diff reports the selected tags of a repository missing at the destination one by one: one record
        // without a tag would be every tag of it to reg-copy.
        let select = "SELECT=\"--repo 'team/app00' --tag '>=1.0.1'\""
        let first = try Self.mirror(src, dst, select + " PRUNE=1")
        #expect(first.status == 0, "\(first)")
        #expect(Self.outcomes(first) == ["team/app00:1.0.1 copied", "team/app00:1.0.2 copied"], "\(first)")
        #expect(try RemoveTests.tags(dst, "team/app00") == ["1.0.1", "1.0.2"])

        // A tag the selection leaves out is not a tag the source lacks: nothing to prune.
        try RemoveTests.copy(dst, "team/app00:1.0.1", to: "team/app00:dst-only")
        let second = try Self.mirror(src, dst, select + " PRUNE=1")
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.isEmpty, "\(second)")
        #expect(second.stderr.contains("mirror: prune \(dst.registry): nothing to prune"), "\(second)")
        #expect(try RemoveTests.tags(dst, "team/app00") == ["1.0.1", "1.0.2", "dst-only"])
    }

    @Test("trouble listing the source stops the run with status 2, before anything is copied or deleted")
    func trouble() async throws {
        let (src, dst) = try await Self.registries()
        defer { dst.stop() }
        src.stop()
        let result = try Self.mirror(src, dst, "PRUNE=1 OPTIONS='--retries 0'")
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("reg-ls: error: \(src.hostPort): cannot connect"), "\(result)")
        #expect(result.stderr.contains("listing failed"), "\(result)")
        #expect(result.stderr.contains("nothing copied or deleted"), "\(result)")
        #expect(try RemoveTests.tags(dst, "other/dst-only") == ["1"])
        let unset = try shell("make -s -f \(Self.makefile) DST=\(dst.registry)", env: Self.path)
        #expect(unset.status == 2, "\(unset)")
        #expect(unset.stderr.contains("set SRC and DST"), "\(unset)")
        let renamed = try Self.mirror(src, dst, "COPY_OPTIONS='--prefix mirror/'")
        #expect(renamed.status == 2, "\(renamed)")
        #expect(renamed.stderr.contains("COPY_OPTIONS: no renaming here"), "\(renamed)")
    }
}
