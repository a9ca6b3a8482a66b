import Foundation
import Testing

/// reg-copy between real registries; skopeo judges what arrived.
@Suite("reg-copy between real registries")
struct CopyTests {
    static func digest(_ server: RegistryServer, _ ref: String) throws -> String {
        try InventoryTests.digestBySkopeo(server, ref)
    }

    /// Two plain-HTTP registries: the source and the destination.
    static func pair() async throws -> (RegistryServer, RegistryServer) {
        (try await RegistryServer.start(), try await RegistryServer.start())
    }

    static func stop(_ servers: RegistryServer...) {
        for server in servers { server.stop() }
    }

    /// Pushes `repo:tag` to `server` by raw curl: a random layer of `bytes` (incompressible, as
    /// real layers are), its config and an OCI manifest. Returns the layer's digest.
    static func pushRandomImage(_ server: RegistryServer, repo: String, tag: String, bytes: Int) throws -> String {
        try curlPush(
            server, repo: repo,
            """
            head -c \(bytes) /dev/urandom > layer
            L=$(sha256sum layer | cut -d' ' -f1)
            printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$L" > config
            C=$(sha256sum config | cut -d' ' -f1)
            upload layer
            upload config
            printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":\(bytes)}]}' "$C" "$(stat -c %s config)" "$L" > manifest
            curl -sSf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @manifest "$BASE/manifests/\(tag)"
            echo "sha256:$L"
            """, timeout: 300)
    }

    static func byRef(_ records: [[String: Any]]) -> [String: [String: Any]] {
        Dictionary(
            records.map { ("\($0["repo"] as? String ?? ""):\($0["tag"] as? String ?? "")", $0) },
            uniquingKeysWith: { a, _ in a })
    }

    @Test(
        "a selection copies whole: OCI, Docker and multi-platform images keep their digests, skopeo pulls them out; a second run finds them all"
    )
    func wholeImages() async throws {
        let (a, b) = try await Self.pair()
        defer { Self.stop(a, b) }
        try InventoryTests.seed(a, [a.registry, "--repos", "2", "--tags", "2", "--prefix", "team/app"])
        try InventoryTests.seed(a, ["\(a.registry)/team/docker:1.0", "--format", "docker"])
        try InventoryTests.seed(a, ["\(a.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8"])

        let first = try shell(
            "\(toolPath("reg-ls")) \(a.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-copy")) \(b.registry)")
        #expect(first.status == 0, "\(first)")
        let records = first.records
        #expect(records.count == 6)
        #expect(records.allSatisfy { $0["status"] as? String == "copied" }, "\(first.stdout)")
        for record in records {
            let ref = "\(record["repo"]!):\(record["tag"]!)"
            let source = try Self.digest(a, ref)
            #expect(try Self.digest(b, ref) == source, "\(ref)")
            #expect(record["digest"] as? String == source)
            #expect(record["dest"] as? String == "\(b.registry)/\(ref)")
        }
        let multi = try #require(Self.byRef(records)["team/multi:1.0"])
        #expect((multi["blobsCopied"] as? Int ?? 0) >= 4, "two configs and two layers: \(multi)")
        // skopeo reads every manifest and blob back, checking each digest.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("reg-copy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        for record in records {
            let ref = "\(record["repo"]!):\(record["tag"]!)"
            let pulled = try skopeo(["copy", "--all"] + b.skopeoSourceArgs + [b.dockerReference(ref), "oci:\(out.path):\(ref)"])
            #expect(pulled.status == 0, "\(ref): \(pulled.stderr)")
        }

        let second = try shell(
            "\(toolPath("reg-ls")) \(a.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-copy")) \(b.registry)")
        #expect(second.status == 0)
        #expect(second.records.count == 6)
        #expect(second.records.allSatisfy { $0["status"] as? String == "exists" && $0["bytes"] as? Int == 0 })
    }

    @Test(
        "resolved records cost the source nothing when the destination has them; a dry run says what would move and moves nothing"
    )
    func resolvedAndDryRun() async throws {
        let (a, b) = try await Self.pair()
        defer { Self.stop(a, b) }
        try InventoryTests.seed(a, [a.registry, "--repos", "1", "--tags", "2", "--prefix", "team/app"])
        let resolved = try shell("\(toolPath("reg-tags")) \(a.registry)/team/app | \(toolPath("reg-manifest"))")
        let dry = try reg("reg-copy", ["--dry-run", b.registry], stdin: resolved.stdout)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.records.allSatisfy { $0["status"] as? String == "would-copy" && ($0["bytes"] as? Int ?? 0) > 0 })
        #expect(try curl(["\(b.baseURL)/v2/_catalog"]).stdout.contains(#""repositories":[]"#))

        let copied = try reg("reg-copy", [b.registry], stdin: resolved.stdout)
        #expect(copied.records.allSatisfy { $0["status"] as? String == "copied" }, "\(copied)")
        // With the source gone, resolved records still find their copies by digest alone.
        a.stop()
        let again = try reg("reg-copy", [b.registry, "--retries", "0"], stdin: resolved.stdout)
        #expect(again.status == 0, "\(again)")
        #expect(again.records.allSatisfy { $0["status"] as? String == "exists" })
    }

    @Test("renames, a single destination reference, and blobs mounted within one registry")
    func renamesAndMounts() async throws {
        let a = try await RegistryServer.start()
        defer { a.stop() }
        try InventoryTests.seed(a, ["\(a.registry)/team/app:1.0"])
        let prefixed = try reg(
            "reg-copy", ["--strip-prefix", "team/", "--prefix", "mirror/", a.registry],
            stdin: #"{"registry":"\#(a.registry)","repo":"team/app","tag":"1.0"}"# + "\n")
        #expect(prefixed.status == 0, "\(prefixed)")
        let record = try #require(prefixed.records.first)
        #expect(record["dest"] as? String == "\(a.registry)/mirror/app:1.0")
        #expect((record["blobsMounted"] as? Int ?? 0) >= 2, "config and layer mounted from team/app: \(record)")
        #expect(record["blobsCopied"] as? Int == 0)
        #expect(try Self.digest(a, "mirror/app:1.0") == Self.digest(a, "team/app:1.0"))

        let renamed = try reg(
            "reg-copy", ["--rename", "s/^team\\/(.*)$/copies\\/$1-x/", a.registry],
            stdin: #"{"registry":"\#(a.registry)","repo":"team/app","tag":"1.0"}"# + "\n")
        #expect(renamed.records.first?["dest"] as? String == "\(a.registry)/copies/app-x:1.0", "\(renamed)")

        let single = try reg("reg-copy", ["\(a.registry)/team/app:1.0", "\(a.registry)/other/name:2.0"])
        #expect(single.status == 0, "\(single)")
        #expect(try Self.digest(a, "other/name:2.0") == Self.digest(a, "team/app:1.0"))

        // One destination tag takes one image; a second is an error, the first is copied.
        try InventoryTests.seed(a, ["\(a.registry)/team/app:2.0", "--salt", "two"])
        let two = ["1.0", "2.0"].map { #"{"registry":"\#(a.registry)","repo":"team/app","tag":"\#($0)"}"# }
        let crowded = try reg("reg-copy", ["\(a.registry)/one/tag:x"], stdin: two.joined(separator: "\n") + "\n")
        #expect(crowded.status == 1, "\(crowded)")
        #expect(crowded.records.last?["error"] as? String != nil)
        #expect(crowded.stderr.contains("names one image"), "\(crowded.stderr)")

        // By digest alone: copied, then found on the next run.
        let digest = try Self.digest(a, "team/app:2.0")
        for expected in ["copied", "exists"] {
            let byDigest = try reg("reg-copy", ["\(a.registry)/team/app@\(digest)", "\(a.registry)/pinned/app"])
            #expect(byDigest.records.first?["status"] as? String == expected, "\(byDigest)")
            #expect(byDigest.records.first?["dest"] as? String == "\(a.registry)/pinned/app@\(digest)")
        }
        let toDigest = try reg("reg-copy", ["\(a.registry)/team/app:1.0", "\(a.registry)/x/y@\(digest)"])
        #expect(toDigest.status == 2, "\(toDigest)")

        let bad = try reg("reg-copy", ["--rename", "team", a.registry], stdin: "")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("s/REGEX/REPLACEMENT/"), "\(bad)")
    }

    @Test("reg-ls | reg-diff | reg-copy: missing and changed are copied, extra passes through, and the next diff is silent")
    func incremental() async throws {
        let (a, b) = try await Self.pair()
        defer { Self.stop(a, b) }
        try InventoryTests.seed(a, [a.registry, "--repos", "2", "--tags", "2", "--prefix", "team/app"])
        try InventoryTests.seed(b, ["\(b.registry)/team/app00:1.0.0"])
        try InventoryTests.seed(b, ["\(b.registry)/team/app00:1.0.1", "--salt", "old"])
        try InventoryTests.seed(b, ["\(b.registry)/team/app00:only-here"])
        let line =
            "\(toolPath("reg-ls")) \(a.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest")) | \(toolPath("reg-diff")) \(b.registry)"
        let result = try shell(line + " | \(toolPath("reg-copy")) \(b.registry)")
        #expect(result.status == 0, "\(result)")
        let statuses = Dictionary(
            result.records.map { ("\($0["repo"]!):\($0["tag"] ?? "-")", $0["status"] as? String ?? "none") }
        ) { a, _ in a }
        #expect(statuses["team/app00:1.0.1"] == "copied", "changed: \(result.stdout)")
        #expect(statuses["team/app00:only-here"] == "none", "extra passes through untouched: \(statuses)")
        #expect(statuses.values.filter { $0 == "copied" }.count == 3, "1.0.1 changed, app01's two tags missing: \(statuses)")
        let after = try shell(line)
        #expect(
            after.records.count == 1 && after.records.allSatisfy { $0["diff"] as? String == "extra" },
            "only the extra tag differs now: \(after.stdout)")

        // A repository reg-diff finds missing (repository records in) is copied with every tag.
        try InventoryTests.seed(a, [a.registry, "--repos", "1", "--tags", "3", "--prefix", "team/new"])
        let repositories = try shell(
            "\(toolPath("reg-ls")) \(a.registry) | \(toolPath("reg-diff")) --no-extra \(b.registry) | \(toolPath("reg-copy")) \(b.registry)"
        )
        #expect(repositories.status == 0, "\(repositories)")
        #expect(repositories.records.map { $0["tag"] as? String } == ["1.0.0", "1.0.1", "1.0.2"], "\(repositories.stdout)")
        #expect(
            repositories.records.allSatisfy {
                $0["status"] as? String == "copied" && ($0["repo"] as? String ?? "").hasPrefix("team/new")
            })
    }

    @Test("a 256 MiB blob streams from one registry to another with memory bounded: skopeo and curl check it")
    func largeBlob() async throws {
        let (a, b) = try await Self.pair()
        defer { Self.stop(a, b) }
        let layer = try Self.pushRandomImage(a, repo: "big", tag: "1", bytes: 268_435_456)

        let copy = try shell(
            "/usr/bin/time -f 'peak-rss-kib %M' \(toolPath("reg-copy")) \(a.registry)/big:1 \(b.registry)/big:1",
            timeout: 300)
        #expect(copy.status == 0, "\(copy)")
        let peak = copy.stderr.split(separator: "\n").last { $0.hasPrefix("peak-rss-kib ") }
            .flatMap { Int($0.dropFirst("peak-rss-kib ".count)) }
        let kib = try #require(peak, "\(copy.stderr)")
        print("reg-copy of a 256 MiB blob: peak RSS \(kib) KiB")
        // The pipe holds at most 4 MiB; the rest is the process itself (about 20 MiB).
        #expect(kib < 64 * 1024, "peak RSS \(kib) KiB for a 256 MiB blob")
        #expect(copy.records.first?["bytes"] as? Int ?? 0 > 268_435_456)

        #expect(try Self.digest(b, "big:1") == Self.digest(a, "big:1"))
        let check = try shell("curl -sSf '\(b.baseURL)/v2/big/blobs/\(layer)' | sha256sum | cut -d' ' -f1", timeout: 120)
        #expect("sha256:" + check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == layer)
    }
}
