import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// reg-scrape against a real registry; `docker-registry serve` on the scraped folder and skopeo judge it.
@Suite("reg-scrape: images to a folder and back")
struct ScrapeTests {
    /// The images every test scrapes: OCI (two tags), Docker schema2, and a two-platform index.
    static let refs = ["team/app:1.0.0", "team/app:1.0.1", "team/docker:1.0", "team/multi:1.0"]

    /// A registry with the test images, and `count - 1` empty ones (destinations), all started at once.
    static func seeded(with count: Int = 1) async throws -> [RegistryServer] {
        var servers: [RegistryServer] = []
        for _ in 0..<count { servers.append(try await RegistryServer.start()) }
        try seed(servers[0])
        return servers
    }

    static func seed(_ server: RegistryServer) throws {
        try InventoryTests.seed(server, [server.registry, "--repos", "1", "--tags", "2", "--prefix", "team/app"])
        try InventoryTests.seed(server, ["\(server.registry)/team/docker:1.0", "--format", "docker"])
        try InventoryTests.seed(server, ["\(server.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8"])
    }

    /// The tag records of every image of `server`.
    static func records(_ server: RegistryServer) throws -> String {
        let listed = try shell("\(toolPath("reg-ls")) \(server.registry) | \(toolPath("reg-tags"))")
        #expect(listed.status == 0, "\(listed)")
        return listed.stdout
    }

    /// Records for some of the images, as a selection: `{"registry":..., "repo":..., "tag":...}` lines.
    static func selection(_ server: RegistryServer, _ refs: [String]) -> String {
        refs.map { ref in
            let (repo, tag) = split(ref)
            return #"{"registry":"\#(server.registry)","repo":"\#(repo)","tag":"\#(tag)"}"#
        }.joined(separator: "\n") + "\n"
    }

    static func split(_ ref: String) -> (String, String) {
        let colon = ref.lastIndex(of: ":")!
        return (String(ref[..<colon]), String(ref[ref.index(after: colon)...]))
    }

    static func scrape(_ args: [String], stdin: String) throws -> ToolResult {
        try reg("reg-scrape", args, stdin: stdin)
    }

    static func v2(_ dir: URL) -> URL { dir.appendingPathComponent("docker/registry/v2") }

    /// Every file named `data` under the folder's blobs, by digest, with its inode.
    static func blobFiles(_ dir: URL) -> [String: UInt64] {
        let blobs = v2(dir).appendingPathComponent("blobs/sha256")
        var found: [String: UInt64] = [:]
        for path in (FileManager.default.subpaths(atPath: blobs.path) ?? []) where path.hasSuffix("/data") {
            let inode =
                (try? FileManager.default.attributesOfItem(atPath: blobs.appendingPathComponent(path).path))?[
                    .systemFileNumber] as? UInt64
            found["sha256:" + path.split(separator: "/")[1]] = inode ?? 0
        }
        return found
    }

    /// Every file below `dir`, relative, sorted: to tell that a refused run changed nothing.
    static func listing(_ dir: URL) -> [String] {
        (FileManager.default.subpaths(atPath: dir.path) ?? []).sorted()
    }

    /// True when every final blob file holds the bytes its name says.
    static func blobsMatchNames(_ dir: URL) throws -> Bool {
        let blobs = v2(dir).appendingPathComponent("blobs/sha256")
        for (digest, _) in blobFiles(dir) {
            let hex = String(digest.dropFirst(7))
            let data = try Data(contentsOf: blobs.appendingPathComponent("\(hex.prefix(2))/\(hex)/data"))
            if sha256Hex(data) != hex { return false }
        }
        return true
    }

    static func sum(_ records: [[String: Any]], _ field: String) -> Int {
        records.reduce(0) { $0 + ($1[field] as? Int ?? 0) }
    }

    /// The served registry says the same as the source: catalog, tag lists, digests (skopeo), and skopeo
    /// pulls every image out whole.
    static func expectServes(_ served: RegistryServer, like source: [String: String], refs: [String]) throws {
        let catalog = try curl(["\(served.baseURL)/v2/_catalog"]).stdout
        let repos = Set(refs.map { split($0).0 })
        let listed = (try JSONSerialization.jsonObject(with: Data(catalog.utf8)) as? [String: Any])?["repositories"]
        #expect(Set(listed as? [String] ?? []) == repos, "\(catalog)")
        for repo in repos {
            let tags = try curl(["\(served.baseURL)/v2/\(repo)/tags/list"]).stdout
            let got = (try JSONSerialization.jsonObject(with: Data(tags.utf8)) as? [String: Any])?["tags"] as? [String]
            #expect(Set(got ?? []) == Set(refs.filter { split($0).0 == repo }.map { split($0).1 }), "\(repo): \(tags)")
        }
        let pulled = try makeTemporaryDirectory("scrape-pulled")
        defer { try? FileManager.default.removeItem(at: pulled) }
        for ref in refs {
            #expect(try InventoryTests.digestBySkopeo(served, ref) == source[ref], "\(ref)")
            let copy = try skopeo(
                ["copy", "--all", "--quiet"] + served.skopeoSourceArgs + [served.dockerReference(ref), "oci:\(pulled.path):x"])
            #expect(copy.status == 0, "\(ref): \(copy.stderr)")
        }
    }

    static func digests(_ server: RegistryServer, _ refs: [String] = refs) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try refs.map { ($0, try InventoryTests.digestBySkopeo(server, $0)) })
    }

    @Test(
        "OCI, Docker and multi-platform images scraped as a storage tree: the registry serves exactly them with the source's digests; a second run finds them all"
    )
    func storageRoundTrip() async throws {
        let source = try await Self.seeded()[0]
        defer { source.stop() }
        let out = try makeTemporaryDirectory("scrape-out")
        defer { try? FileManager.default.removeItem(at: out) }

        let first = try Self.scrape(["--out", out.path], stdin: try Self.records(source))
        #expect(first.status == 0, "\(first)")
        #expect(first.records.count == 4)
        #expect(
            first.records.allSatisfy { $0["status"] as? String == "scraped" && $0["dest"] as? String == "storage:\(out.path)" })
        let multi = try #require(first.records.first { $0["repo"] as? String == "team/multi" })
        #expect(multi["blobsCopied"] as? Int == 4, "two configs, two layers: \(multi)")
        #expect(try Self.blobsMatchNames(out))

        let served = try await RegistryServer.start(.init(storage: out))
        defer { served.stop() }
        try Self.expectServes(served, like: try Self.digests(source), refs: Self.refs)

        let second = try Self.scrape(["--out", out.path], stdin: try Self.records(source))
        #expect(second.status == 0, "\(second)")
        #expect(second.records.allSatisfy { $0["status"] as? String == "exists" && $0["bytes"] as? Int == 0 }, "\(second.stdout)")
    }

    @Test("--platform and --referrers: one platform of an index, and the signature a cosign tag attaches, land in the folder")
    func platformAndReferrers() async throws {
        let source = try await Self.seeded()[0]
        defer { source.stop() }
        let multi = try CopyTests.digest(source, "team/multi:1.0")
        let signature = "sha256-\(multi.dropFirst("sha256:".count)).sig"
        try InventoryTests.seed(source, ["\(source.registry)/team/multi:\(signature)", "--salt", "signature"])
        let index = try CopyOptionTests.raw(source, "team/multi:1.0")
        let amd64 = try #require(
            (index["manifests"] as? [[String: Any]])?.first {
                ($0["platform"] as? [String: Any])?["architecture"] as? String == "amd64"
            }?["digest"] as? String)
        let out = try makeTemporaryDirectory("scrape-subset")
        defer { try? FileManager.default.removeItem(at: out) }

        let scraped = try Self.scrape(
            ["--out", out.path, "--platform", "linux/amd64", "--referrers"], stdin: Self.selection(source, ["team/multi:1.0"]))
        #expect(scraped.status == 0, "\(scraped)")
        let record = try #require(scraped.records.first)
        #expect(record["destDigest"] as? String == amd64 && record["referrers"] as? Int == 1, "\(record)")
        let listed = try shell(
            "\(toolPath("reg-ls")) storage:\(out.path) | \(toolPath("reg-tags")) | \(toolPath("reg-manifest"))")
        #expect(listed.stdout.contains(signature), "\(listed)")
        #expect(listed.stdout.contains(amd64), "the tag points at the platform's manifest: \(listed)")
    }

    @Test("a second scrape of an overlapping selection fetches only the new blobs and leaves the old files alone")
    func incremental() async throws {
        let source = try await Self.seeded()[0]
        defer { source.stop() }
        let out = try makeTemporaryDirectory("scrape-incremental")
        defer { try? FileManager.default.removeItem(at: out) }

        let first = try Self.scrape(
            ["--out", out.path], stdin: Self.selection(source, ["team/app:1.0.0", "team/multi:1.0"]))
        #expect(first.status == 0, "\(first)")
        let before = Self.blobFiles(out)

        let second = try Self.scrape(["--out", out.path], stdin: Self.selection(source, Self.refs))
        #expect(second.status == 0, "\(second)")
        let status = Dictionary(uniqueKeysWithValues: second.records.map { ("\($0["repo"]!):\($0["tag"]!)", $0) })
        #expect(status["team/app:1.0.0"]?["status"] as? String == "exists")
        #expect(status["team/multi:1.0"]?["status"] as? String == "exists")
        #expect(status["team/app:1.0.1"]?["status"] as? String == "scraped")
        #expect(status["team/docker:1.0"]?["status"] as? String == "scraped")
        let after = Self.blobFiles(out)
        // New files: the new images' blobs (counted by the tool) and their manifests (two).
        #expect(after.count - before.count == Self.sum(second.records, "blobsCopied") + 2, "\(second.stdout)")
        #expect(Self.sum(second.records, "blobsCopied") == 4, "a config and a layer per new image: \(second.stdout)")
        // Files already there were neither fetched nor rewritten: same inode (a rename would give a new one).
        for (digest, inode) in before { #expect(after[digest] == inode, "\(digest) was rewritten") }
    }

    @Test("--from-storage reads a registry's own folder with the registry stopped; the result serves the same digests")
    func fromStorage() async throws {
        let storage = try makeTemporaryDirectory("scrape-source-storage")
        defer { try? FileManager.default.removeItem(at: storage) }
        let source = try await RegistryServer.start(.init(storage: storage))
        try Self.seed(source)
        let digests = try Self.digests(source)
        let records = try Self.records(source)
        // The unified spelling lists the folder as the registry lists itself.
        let folder = try shell("\(toolPath("reg-ls")) storage:\(storage.path) | \(toolPath("reg-tags"))")
        #expect(folder.records.map { "\($0["repo"]!):\($0["tag"]!)" }.sorted() == Self.refs, "\(folder)")
        source.stop()

        let out = try makeTemporaryDirectory("scrape-from-storage")
        defer { try? FileManager.default.removeItem(at: out) }
        let scraped = try Self.scrape(["--from-storage", storage.path, "--out", out.path], stdin: records)
        #expect(scraped.status == 0, "\(scraped)")
        #expect(scraped.records.allSatisfy { $0["status"] as? String == "scraped" })
        let served = try await RegistryServer.start(.init(storage: out))
        defer { served.stop() }
        try Self.expectServes(served, like: digests, refs: Self.refs)
    }

    @Test(
        "--layout oci writes an OCI image layout: skopeo reads every OCI ref with the source's digests and pushes it on; reg-copy loads all of it"
    )
    func ociLayout() async throws {
        let servers = try await Self.seeded(with: 3)
        defer { servers.forEach { $0.stop() } }
        let (source, target, site) = (servers[0], servers[1], servers[2])
        let out = try makeTemporaryDirectory("scrape-oci")
        defer { try? FileManager.default.removeItem(at: out) }

        let scraped = try Self.scrape(["--layout", "oci", "--out", out.path], stdin: try Self.records(source))
        #expect(scraped.status == 0, "\(scraped)")
        #expect(scraped.records.allSatisfy { $0["dest"] as? String == "oci:\(out.path)" })
        let digests = try Self.digests(source)
        // skopeo (containers/image) reads only OCI-typed entries of a layout; the Docker schema2 image keeps its
        // bytes and type (and so its digest), and our own tools read it below.
        for ref in Self.refs where ref != "team/docker:1.0" {
            let raw = try skopeo(["inspect", "--raw", "oci:\(out.path):\(ref)"])
            #expect(raw.status == 0, "\(ref): \(raw.stderr)")
            #expect("sha256:" + sha256Hex(Data(raw.stdout.utf8)) == digests[ref], "\(ref)")
            let push = try skopeo(
                ["copy", "--all", "--quiet"] + target.skopeoDestArgs + ["oci:\(out.path):\(ref)", target.dockerReference(ref)])
            #expect(push.status == 0, "\(ref): \(push.stderr)")
            #expect(try InventoryTests.digestBySkopeo(target, ref) == digests[ref], "\(ref)")
        }
        // Our own tools read it back: the folder against the source is no difference, and it loads whole.
        let diff = try shell(
            "\(toolPath("reg-ls")) oci:\(out.path) | \(toolPath("reg-tags")) | \(toolPath("reg-diff")) \(source.registry)")
        #expect(diff.status == 0, "\(diff)")
        let load = try shell(
            "\(toolPath("reg-ls")) oci:\(out.path) | \(toolPath("reg-tags")) | \(toolPath("reg-copy")) \(site.registry)")
        #expect(load.status == 0, "\(load)")
        #expect(try Self.digests(site) == digests)
    }

    @Test(
        "bring it back: reg-copy loads a shipped folder into a fresh registry with the source's digests; reg-diff against the folder exits 0, and 1 naming a tag removed from it"
    )
    func roundTripBack() async throws {
        let servers = try await Self.seeded(with: 2)
        defer { servers.forEach { $0.stop() } }
        let (source, site) = (servers[0], servers[1])
        let out = try makeTemporaryDirectory("scrape-ship")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try Self.scrape(["--out", out.path], stdin: try Self.records(source)).status == 0)

        let load = try shell(
            "\(toolPath("reg-ls")) storage:\(out.path) | \(toolPath("reg-tags")) | \(toolPath("reg-copy")) \(site.registry)")
        #expect(load.status == 0, "\(load)")
        #expect(load.records.count == 4 && load.records.allSatisfy { $0["status"] as? String == "copied" }, "\(load.stdout)")
        #expect(try Self.digests(site) == Self.digests(source))

        let whole = try shell(
            "\(toolPath("reg-ls")) \(source.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-diff")) storage:\(out.path)")
        #expect(whole.status == 0, "\(whole)")
        try FileManager.default.removeItem(
            at: Self.v2(out).appendingPathComponent("repositories/team/app/_manifests/tags/1.0.1"))
        let missing = try shell(
            "\(toolPath("reg-ls")) \(source.registry) | \(toolPath("reg-tags")) | \(toolPath("reg-diff")) storage:\(out.path)")
        #expect(missing.status == 1, "\(missing)")
        #expect(DiffTests.differences(missing) == ["missing team/app:1.0.1"], "\(missing.stdout)")
    }

    @Test("records whose names or digests would escape the folder are refused, one line each, and the folder is unchanged")
    func hostileRecords() async throws {
        let source = try await Self.seeded()[0]
        defer { source.stop() }
        let parent = try makeTemporaryDirectory("scrape-hostile")
        defer { try? FileManager.default.removeItem(at: parent) }
        let out = parent.appendingPathComponent("out")
        #expect(try Self.scrape(["--out", out.path], stdin: Self.selection(source, ["team/app:1.0.0"])).status == 0)
        let before = Self.listing(parent)

        let hostile = [
            #"{"registry":"\#(source.registry)","repo":"../escape","tag":"1.0.0"}"#,
            #"{"registry":"\#(source.registry)","repo":"/tmp/escape","tag":"1.0.0"}"#,
            #"{"registry":"\#(source.registry)","repo":"team/app/../../../escape","tag":"1.0.0"}"#,
            #"{"registry":"\#(source.registry)","repo":"team/app\u0000x","tag":"1.0.0"}"#,
            #"{"registry":"\#(source.registry)","repo":"team/app\nx","tag":"1.0.0"}"#,
            #"{"registry":"\#(source.registry)","repo":"team/app","tag":"../../../escape"}"#,
            #"{"registry":"\#(source.registry)","repo":"team/app","tag":"1.0.0\u0007"}"#,
            #"{"registry":"\#(source.registry)","repo":"team/app","digest":"sha256:../../../escape"}"#,
            #"{"registry":"\#(source.registry)","repo":"team/app","digest":"md5:00112233"}"#,
        ]
        let result = try Self.scrape(["--out", out.path], stdin: hostile.joined(separator: "\n") + "\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.records.count == hostile.count)
        #expect(result.records.allSatisfy { $0["error"] != nil && $0["status"] == nil }, "\(result.stdout)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == hostile.count, "one line per record: \(result.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("reg-scrape: ") && !$0.contains("\u{7}") })
        #expect(Self.listing(parent) == before)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escape"))
    }

    @Test(
        "a storage folder read with --from-storage is checked: a link or a manifest naming no digest is refused, and a blob whose bytes do not match never gets its final name"
    )
    func hostileStorage() async throws {
        let storage = try makeTemporaryDirectory("scrape-hostile-storage")
        defer { try? FileManager.default.removeItem(at: storage) }
        let source = try await RegistryServer.start(.init(storage: storage))
        try Self.seed(source)
        let digests = try Self.digests(source)
        source.stop()
        let repos = Self.v2(storage).appendingPathComponent("repositories")

        // team/app:1.0.0's current link points outside; team/app:1.0.1 names a manifest whose layer
        // digest would be a path; team/docker:1.0's layer bytes are not its digest's.
        try Data("sha256:../../../../../../escape".utf8).write(
            to: repos.appendingPathComponent("team/app/_manifests/tags/1.0.0/current/link"))
        let manifest = Data(
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:../../../../escape","size":2},"layers":[]}"#
                .utf8)
        let hex = sha256Hex(manifest)
        let blob = Self.v2(storage).appendingPathComponent("blobs/sha256/\(hex.prefix(2))/\(hex)")
        try FileManager.default.createDirectory(at: blob, withIntermediateDirectories: true)
        try manifest.write(to: blob.appendingPathComponent("data"))
        let revision = repos.appendingPathComponent("team/app/_manifests/revisions/sha256/\(hex)")
        try FileManager.default.createDirectory(at: revision, withIntermediateDirectories: true)
        try Data("sha256:\(hex)".utf8).write(to: revision.appendingPathComponent("link"))
        try Data("sha256:\(hex)".utf8).write(to: repos.appendingPathComponent("team/app/_manifests/tags/1.0.1/current/link"))
        let dockerDigest = try #require(digests["team/docker:1.0"])
        let layer = try #require(try Self.layers(in: storage, digest: dockerDigest).first)
        let layerHex = String(layer.dropFirst(7))
        try Data("not the layer".utf8).write(
            to: Self.v2(storage).appendingPathComponent("blobs/sha256/\(layerHex.prefix(2))/\(layerHex)/data"))

        let out = try makeTemporaryDirectory("scrape-hostile-out")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Self.scrape(
            ["--from-storage", storage.path, "--out", out.path],
            stdin: Self.selection(source, ["team/app:1.0.0", "team/app:1.0.1", "team/docker:1.0", "team/multi:1.0"]))
        #expect(result.status == 1, "\(result)")
        let byRef = Dictionary(uniqueKeysWithValues: result.records.map { ("\($0["repo"]!):\($0["tag"]!)", $0) })
        #expect((byRef["team/app:1.0.0"]?["error"] as? String)?.contains("not a link") == true, "\(result.stdout)")
        #expect((byRef["team/app:1.0.1"]?["error"] as? String)?.contains("invalid manifest") == true, "\(result.stdout)")
        #expect((byRef["team/docker:1.0"]?["error"] as? String)?.contains("content is sha256:") == true, "\(result.stdout)")
        #expect(byRef["team/multi:1.0"]?["status"] as? String == "scraped")
        #expect(Self.blobFiles(out)[layer] == nil, "the forged layer has no final name")
        #expect(try Self.blobsMatchNames(out))
        #expect(!Self.listing(out).contains { $0.contains(".part-") }, "no temporary file left: \(Self.listing(out))")
        #expect(!FileManager.default.fileExists(atPath: "/escape"))
    }

    /// The layer digests of a manifest in a storage folder, read as files (not through our tools).
    static func layers(in storage: URL, digest: String) throws -> [String] {
        let hex = String(digest.dropFirst(7))
        let data = try Data(contentsOf: Self.v2(storage).appendingPathComponent("blobs/sha256/\(hex.prefix(2))/\(hex)/data"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let layers = (object?["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String }
        return layers
    }

    @Test("kill -9 in the middle of blobs: no partial file under a final name, no tag; the re-run completes")
    func killedMidway() async throws {
        let source = try await Self.seeded()[0]
        defer { source.stop() }
        // A proxy that sends 100 bytes of each blob and then nothing: the scrape is mid-blob until killed.
        let home = try makeTemporaryDirectory("scrape-stall")
        defer { try? FileManager.default.removeItem(at: home) }
        let portFile = home.appendingPathComponent("port")
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        proxy.arguments = [
            packageRoot().appendingPathComponent("Tests/RegIntegrationTests/Support/stall-proxy.py").path,
            "--upstream", source.hostPort, "--stall-after", "100", "--port-file", portFile.path,
        ]
        try proxy.run()
        defer {
            // SIGKILL: the test process may run with SIGTERM ignored, which its children inherit.
            kill(proxy.processIdentifier, SIGKILL)
            proxy.waitUntilExit()
        }
        let port = try Self.waitFor("the proxy's port") { try? String(contentsOf: portFile, encoding: .utf8) }
        let out = home.appendingPathComponent("out")
        let input = home.appendingPathComponent("records")
        try Data(
            Self.selection(source, Self.refs).replacingOccurrences(of: source.registry, with: "http://127.0.0.1:\(port)").utf8
        ).write(to: input)

        let scrape = Process()
        scrape.executableURL = URL(fileURLWithPath: toolPath("reg-scrape"))
        scrape.arguments = ["--out", out.path, "--retries", "0"]
        scrape.environment = testEnvironment()
        scrape.standardInput = try FileHandle(forReadingFrom: input)
        scrape.standardOutput = FileHandle.nullDevice
        scrape.standardError = FileHandle.nullDevice
        try scrape.run()
        // Wait until a blob is on its way to disk: a temporary file holding the 100 bytes sent so far.
        _ = try Self.waitFor("a partial blob") {
            Self.listing(out).first { path in
                path.contains(".part-")
                    && ((try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(path).path))?[.size]
                        as? Int ?? 0) >= 100
            }
        }
        kill(scrape.processIdentifier, SIGKILL)
        scrape.waitUntilExit()
        #expect(Self.blobFiles(out).isEmpty, "no blob is whole, so none has its final name: \(Self.blobFiles(out))")
        #expect(!Self.listing(out).contains { $0.hasSuffix("current/link") }, "no tag points anywhere")

        let rerun = try Self.scrape(["--out", out.path], stdin: Self.selection(source, Self.refs))
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.records.allSatisfy { $0["status"] as? String == "scraped" })
        #expect(try Self.blobsMatchNames(out))
        let served = try await RegistryServer.start(.init(storage: out))
        defer { served.stop() }
        try Self.expectServes(served, like: try Self.digests(source), refs: Self.refs)
    }

    @Test(
        "pipelines/ship-subset: pack a selection into a tar, check it offline (0, then 1 naming a tag taken out), load it into a fresh registry with the source's digests"
    )
    func shipSubsetPipeline() async throws {
        let servers = try await Self.seeded(with: 2)
        defer { servers.forEach { $0.stop() } }
        let (source, site) = (servers[0], servers[1])
        let home = try makeTemporaryDirectory("scrape-ship-subset")
        defer { try? FileManager.default.removeItem(at: home) }
        let script = PipelineTests.script("ship-subset")
        let bundle = home.appendingPathComponent("ship.tar").path
        let selected = ["team/app:1.0.1", "team/multi:1.0"]

        let pack = try shell("\(script) pack \(bundle)", stdin: Self.selection(source, selected), env: PipelineTests.path)
        #expect(pack.status == 0, "\(pack)")
        #expect(pack.stderr.contains("2 images"), "\(pack.stderr)")
        let check = try shell("\(script) check \(bundle)", env: PipelineTests.path)
        #expect(check.status == 0 && check.stdout.isEmpty, "\(check)")

        let load = try shell("\(script) load \(bundle) \(site.registry)", env: PipelineTests.path)
        #expect(load.status == 0, "\(load)")
        #expect(try Self.digests(site, selected) == Self.digests(source, selected))
        let catalog = try curl(["\(site.baseURL)/v2/_catalog"]).stdout
        #expect(catalog.contains("team/multi") && !catalog.contains("team/docker"), "only the selection: \(catalog)")

        // An unpacked bundle with a tag taken out is not whole, and says which tag.
        #expect(try run(["tar", "-C", home.path, "-xf", bundle]).status == 0)
        let folder = home.appendingPathComponent("ship")
        try FileManager.default.removeItem(
            at: Self.v2(folder).appendingPathComponent("repositories/team/app/_manifests/tags/1.0.1"))
        let broken = try shell("\(script) check \(folder.path)", env: PipelineTests.path)
        #expect(broken.status == 1, "\(broken)")
        #expect(DiffTests.differences(broken) == ["missing team/app:1.0.1"], "\(broken.stdout)")
    }

    /// Polls `probe` every 20 ms until it gives a value; throws after 60 s. A wait, not a timing assertion.
    static func waitFor<T>(_ what: String, _ probe: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let value = try probe() { return value }
            usleep(20_000)
        }
        throw HarnessError("waited 60 s for \(what)")
    }
}
