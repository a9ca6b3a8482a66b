import Foundation
import RegKit
import Testing

/// reg-copy's platform subsets, referrers, credentials per registry and crash safety, against
/// real registries; skopeo judges what arrived.
@Suite("reg-copy options between real registries")
struct CopyOptionTests {
    static func raw(_ server: RegistryServer, _ ref: String) throws -> [String: Any] {
        let result = try skopeo(["inspect", "--raw"] + server.skopeoArgs + [server.dockerReference(ref)])
        #expect(result.status == 0, "\(result.stderr)")
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("--platform: one platform tags its manifest, two make a new index of them; skopeo pulls both out")
    func platforms() async throws {
        let (a, b) = try await CopyTests.pair()
        defer { CopyTests.stop(a, b) }
        try InventoryTests.seed(a, ["\(a.registry)/team/multi:1.0", "--platforms", "linux/amd64,linux/arm64/v8,linux/arm/v7"])
        let index = try Self.raw(a, "team/multi:1.0")
        let entries = try #require(index["manifests"] as? [[String: Any]])
        let arm64 = try #require(
            entries.first { ($0["platform"] as? [String: Any])?["architecture"] as? String == "arm64" }?["digest"] as? String)

        let one = try reg(
            "reg-copy", ["--progress", "--platform", "linux/arm64", "\(a.registry)/team/multi:1.0", "\(b.registry)/team/one:1.0"])
        #expect(one.status == 0, "\(one)")
        #expect(try CopyTests.digest(b, "team/one:1.0") == arm64, "the tag points at the platform's own manifest")
        #expect(one.records.first?["destDigest"] as? String == arm64)
        #expect(one.stderr.contains("reg-copy: 1 images done, ") && one.stderr.contains(" MiB/s"), "\(one.stderr)")
        #expect(one.records.first?["digest"] as? String == (try CopyTests.digest(a, "team/multi:1.0")))

        let two = try reg(
            "reg-copy",
            [
                "--platform", "linux/amd64", "--platform", "linux/arm/v7", "\(a.registry)/team/multi:1.0",
                "\(b.registry)/team/two:1.0",
            ])
        #expect(two.status == 0, "\(two)")
        let subset = try Self.raw(b, "team/two:1.0")
        let platforms = (subset["manifests"] as? [[String: Any]] ?? []).compactMap { entry -> String? in
            guard let p = entry["platform"] as? [String: Any] else { return nil }
            return [p["os"], p["architecture"], p["variant"]].compactMap { $0 as? String }.joined(separator: "/")
        }
        #expect(platforms == ["linux/amd64", "linux/arm/v7"])
        #expect(two.records.first?["destDigest"] as? String == (try CopyTests.digest(b, "team/two:1.0")))
        let out = try makeTemporaryDirectory("platforms")
        defer { try? FileManager.default.removeItem(at: out) }
        let pulled = try skopeo(
            ["copy", "--all"] + b.skopeoSourceArgs + [b.dockerReference("team/two:1.0"), "oci:\(out.path):x"])
        #expect(pulled.status == 0, "\(pulled.stderr)")

        let again = try reg(
            "reg-copy",
            [
                "--platform", "linux/amd64", "--platform", "linux/arm/v7", "\(a.registry)/team/multi:1.0",
                "\(b.registry)/team/two:1.0",
            ])
        #expect(again.records.first?["status"] as? String == "exists", "\(again)")

        let none = try reg(
            "reg-copy", ["--platform", "linux/s390x", "\(a.registry)/team/multi:1.0", "\(b.registry)/team/none:1.0"])
        #expect(none.status == 1)
        #expect(
            none.stderr.contains("no platform linux/s390x (it has linux/amd64, linux/arm64/v8, linux/arm/v7)"), "\(none.stderr)")
    }

    @Test("an index with attestation entries copies whole; a platform subset keeps the attestations of its platforms")
    func attestations() async throws {
        let (a, b) = try await CopyTests.pair()
        defer { CopyTests.stop(a, b) }
        let layout = try OCILayout.multiPlatform(
            platforms: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"], attestations: true)
        defer { try? FileManager.default.removeItem(at: layout.directory) }
        let digest = try push(layout: layout, to: a, repo: "team/attested", tag: "1.0")
        #expect(try (Self.raw(a, "team/attested:1.0")["manifests"] as? [Any])?.count == 6)

        let whole = try reg("reg-copy", ["\(a.registry)/team/attested:1.0", "\(b.registry)/team/attested:1.0"])
        #expect(whole.status == 0, "\(whole)")
        #expect(try CopyTests.digest(b, "team/attested:1.0") == digest)
        let out = try makeTemporaryDirectory("attested")
        defer { try? FileManager.default.removeItem(at: out) }
        let pulled = try skopeo(
            ["copy", "--all"] + b.skopeoSourceArgs + [b.dockerReference("team/attested:1.0"), "oci:\(out.path):x"])
        #expect(pulled.status == 0, "\(pulled.stderr)")

        let one = try reg(
            "reg-copy", ["--platform", "linux/amd64", "\(a.registry)/team/attested:1.0", "\(b.registry)/team/amd64:1.0"])
        #expect(one.status == 0, "\(one)")
        #expect(try CopyTests.digest(b, "team/amd64:1.0") == layout.platforms[0].digest)

        let two = try reg(
            "reg-copy",
            [
                "--platform", "linux/amd64", "--platform", "linux/arm64", "\(a.registry)/team/attested:1.0",
                "\(b.registry)/team/two:1.0",
            ])
        #expect(two.status == 0, "\(two)")
        let entries = try Self.raw(b, "team/two:1.0")["manifests"] as? [[String: Any]] ?? []
        let described = entries.compactMap { ($0["annotations"] as? [String: String])?["vnd.docker.reference.digest"] }
        #expect(entries.count == 4, "two platforms and their two attestations")
        #expect(Set(described) == Set(layout.platforms.prefix(2).map(\.digest)))

        let all = try reg(
            "reg-copy",
            [
                "--platform", "linux/amd64", "--platform", "linux/arm64", "--platform", "linux/arm",
                "\(a.registry)/team/attested:1.0", "\(b.registry)/team/all:1.0",
            ])
        #expect(all.records.first?["destDigest"] == nil, "every platform: the index as it is")
        #expect(try CopyTests.digest(b, "team/all:1.0") == digest)
    }

    @Test(
        "--referrers: cosign tags, the OCI fallback index and a referrer's own signature go along, by the tag schema distribution 2 uses"
    )
    func referrers() async throws {
        let (a, b) = try await CopyTests.pair()
        defer { CopyTests.stop(a, b) }
        try InventoryTests.seed(a, ["\(a.registry)/team/signed:1.0"])
        let subject = try CopyTests.digest(a, "team/signed:1.0")
        let hex = String(subject.dropFirst("sha256:".count))
        // A signature by cosign's tag, an SBOM artifact (with subject) listed in the fallback
        // index, and a signature of the SBOM by its own cosign tag.
        try InventoryTests.seed(a, ["\(a.registry)/team/signed:sha256-\(hex).sig", "--salt", "signature"])
        let sbom = try Self.pushArtifact(a, repo: "team/signed", subject: subject)
        let sbomHex = String(sbom.digest.dropFirst("sha256:".count))
        let fallback = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(sbom.digest)","size":\(sbom.size),\
            "artifactType":"application/spdx+json"}]}
            """
        let put = try curl([
            "-sSf", "-X", "PUT", "-H", "Content-Type: application/vnd.oci.image.index.v1+json", "--data-binary", fallback,
            "\(a.baseURL)/v2/team/signed/manifests/sha256-\(hex)",
        ])
        #expect(put.status == 0, "\(put)")
        try InventoryTests.seed(a, ["\(a.registry)/team/signed:sha256-\(sbomHex).sig", "--salt", "sbom signature"])

        let copy = try reg("reg-copy", ["--referrers", "\(a.registry)/team/signed:1.0", "\(b.registry)/team/signed:1.0"])
        #expect(copy.status == 0, "\(copy)")
        #expect(copy.records.first?["referrers"] as? Int == 3, "\(copy.stdout)")
        for tag in ["1.0", "sha256-\(hex).sig", "sha256-\(hex)", "sha256-\(sbomHex).sig"] {
            #expect(try CopyTests.digest(b, "team/signed:\(tag)") == CopyTests.digest(a, "team/signed:\(tag)"), "\(tag)")
        }
        #expect(try CopyTests.digest(b, "team/signed@\(sbom.digest)") == sbom.digest)
        let out = try makeTemporaryDirectory("referrers")
        defer { try? FileManager.default.removeItem(at: out) }
        for ref in ["team/signed@\(sbom.digest)", "team/signed:sha256-\(hex)", "team/signed:sha256-\(hex).sig"] {
            let pulled = try skopeo(["copy", "--all"] + b.skopeoSourceArgs + [b.dockerReference(ref), "oci:\(out.path):x"])
            #expect(pulled.status == 0, "skopeo pulls \(ref) out: \(pulled.stderr)")
        }

        let again = try reg("reg-copy", ["--referrers", "\(a.registry)/team/signed:1.0", "\(b.registry)/team/signed:1.0"])
        #expect(again.records.first?["status"] as? String == "exists", "\(again.stdout)")
        #expect(again.records.first?["blobsCopied"] as? Int == 0)

        let plain = try reg("reg-copy", ["\(a.registry)/team/signed:1.0", "\(b.registry)/team/plain:1.0"])
        #expect(plain.status == 0)
        let tags = try curl(["-sSf", "\(b.baseURL)/v2/team/plain/tags/list"])
        #expect(tags.stdout.contains(#""tags":["1.0"]"#), "without --referrers only the image: \(tags.stdout)")
    }

    @Test("a destination without the referrers API gets manifests the API listed in its fallback index, added to what it lists")
    func fallbackIndexMerged() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try InventoryTests.seed(server, ["\(server.registry)/team/app:1.0"])
        let subject = try CopyTests.digest(server, "team/app:1.0")
        let sbom = try Self.pushArtifact(server, repo: "team/app", subject: subject)
        let store = RegistryStore(
            registry: try RegistryAddress(server.registry), client: RegistryClient(credentials: CredentialStore(environment: [:]))
        )
        let descriptor = Descriptor(
            mediaType: MediaType.ociManifest, digest: try #require(Digest(sbom.digest)), size: Int64(sbom.size))
        let subjectDigest = try #require(Digest(subject))
        let tag = ReferrerTag.fallback(for: subjectDigest)

        try await store.indexReferrers("team/app", subject: subjectDigest, referrers: [descriptor])
        let first = try await store.manifest("team/app", reference: tag)
        #expect(first.children.map(\.digest) == [descriptor.digest])

        // A second artifact joins the first; listing one already there changes nothing.
        try InventoryTests.seed(server, ["\(server.registry)/team/app:signature"])
        let signed = try await store.head("team/app", reference: "signature")
        let other = Descriptor(mediaType: signed.mediaType, digest: signed.digest, size: signed.size)
        try await store.indexReferrers("team/app", subject: subjectDigest, referrers: [other, descriptor])
        let second = try await store.manifest("team/app", reference: tag)
        #expect(second.children.map(\.digest) == [descriptor.digest, other.digest])
        try await store.indexReferrers("team/app", subject: subjectDigest, referrers: [descriptor])
        #expect(try await store.manifest("team/app", reference: tag).digest == second.digest)
    }

    /// Pushes an SBOM artifact (empty config, one layer, `subject`) by digest; its digest and size.
    static func pushArtifact(_ server: RegistryServer, repo: String, subject: String) throws -> (digest: String, size: Int) {
        let printed = try curlPush(
            server, repo: repo,
            """
            printf '{}' > empty
            printf '{"spdxVersion":"SPDX-2.3"}' > sbom
            upload empty
            upload sbom
            E=$(sha256sum empty | cut -d' ' -f1)
            S=$(sha256sum sbom | cut -d' ' -f1)
            SUBJECT_SIZE=$(curl -sSf -o /dev/null -w '%{size_download}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$BASE/manifests/\(subject)")
            printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/spdx+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:%s","size":2},"layers":[{"mediaType":"application/spdx+json","digest":"sha256:%s","size":%s}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(subject)","size":%s}}' "$E" "$S" "$(stat -c %s sbom)" "$SUBJECT_SIZE" > manifest
            D=sha256:$(sha256sum manifest | cut -d' ' -f1)
            curl -sSf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @manifest "$BASE/manifests/$D"
            echo "$D $(stat -c %s manifest)"
            """)
        let parts = printed.split(separator: " ")
        guard parts.count == 2, let size = Int(parts[1]) else { throw HarnessError("artifact push printed \(printed)") }
        return (String(parts[0]), size)
    }

    @Test(
        "credentials per registry from one --authfile: a Bearer-token source and a Basic-auth TLS destination trusted with --ca-file"
    )
    func authfileAndTLS() async throws {
        let source = try await RegistryServer.start(.init(auth: .token))
        let destination = try await RegistryServer.start(.init(tls: true, auth: .htpasswd))
        defer { CopyTests.stop(source, destination) }
        try InventoryTests.seed(source, ["\(source.registry)/team/app:1.0", "--platforms", "linux/amd64,linux/arm64"])

        let folder = try makeTemporaryDirectory("authfile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let login = Data("\(RegistryServer.testUsername):\(RegistryServer.testPassword)".utf8).base64EncodedString()
        let authfile = folder.appendingPathComponent("auth.json")
        try #"{"auths":{"\#(source.hostPort)":{"auth":"\#(login)"},"\#(destination.hostPort)":{"auth":"\#(login)"}}}"#.write(
            to: authfile, atomically: true, encoding: .utf8)
        let arguments = [
            "--authfile", authfile.path, "--ca-file", destination.caFile!, "\(source.registry)/team/app:1.0",
            "\(destination.registry)/mirror/app:1.0",
        ]
        let copy = try reg("reg-copy", arguments + ["--verbose"])
        #expect(copy.status == 0, "\(copy)")
        #expect(copy.records.first?["status"] as? String == "copied")
        #expect(try CopyTests.digest(destination, "mirror/app:1.0") == CopyTests.digest(source, "team/app:1.0"))
        #expect(!copy.stdout.contains(RegistryServer.testPassword) && !copy.stderr.contains(RegistryServer.testPassword))
        #expect(!copy.stderr.contains(login))

        // Without the file the source refuses us; without the CA, TLS fails: trouble (2), named.
        let anonymous = try reg("reg-copy", Array(arguments.dropFirst(2)))
        #expect(anonymous.status == 2)
        #expect(anonymous.stderr.contains("wants credentials"), "\(anonymous.stderr)")
        let untrusted = try reg("reg-copy", ["--authfile", authfile.path] + Array(arguments.suffix(2)))
        #expect(untrusted.status == 2)
        #expect(untrusted.stderr.lowercased().contains("certificate"), "\(untrusted.stderr)")
    }

    @Test("kill -9 in the middle of a large blob, three times: the tag never shows before its content; a re-run completes")
    func killed() async throws {
        let (a, b) = try await CopyTests.pair()
        defer { CopyTests.stop(a, b) }
        let layer = try CopyTests.pushRandomImage(a, repo: "big", tag: "1", bytes: 134_217_728)
        let uploads = b.storageRoot.appendingPathComponent("docker/registry/v2/repositories/big/_uploads").path
        for round in 1...3 {
            // Killed once the destination holds part of the layer (more each round), not after a guessed delay.
            let threshold = round * 16 << 20
            let result = try shell(
                """
                \(toolPath("reg-copy")) \(a.registry)/big:1 \(b.registry)/big:1 >/dev/null 2>&1 &
                pid=$!
                for _ in $(seq 1 3000); do
                  size=$(find '\(uploads)' -name data -printf '%s\\n' 2>/dev/null | sort -n | tail -1)
                  [ "${size:-0}" -ge \(threshold) ] && break
                  kill -0 $pid 2>/dev/null || break
                  sleep 0.01
                done
                kill -9 $pid 2>/dev/null && echo killed at ${size:-0}
                wait $pid 2>/dev/null
                curl -s -o /dev/null -w '%{http_code}' -I '\(b.baseURL)/v2/big/manifests/1'
                """, timeout: 120)
            #expect(result.stdout.hasPrefix("killed at"), "round \(round): \(result)")
            #expect(result.stdout.hasSuffix("404"), "round \(round): the tag must not exist yet: \(result)")
        }
        let rerun = try reg("reg-copy", ["\(a.registry)/big:1", "\(b.registry)/big:1"], timeout: 300)
        #expect(rerun.status == 0, "\(rerun)")
        #expect(try CopyTests.digest(b, "big:1") == CopyTests.digest(a, "big:1"))
        let check = try shell("curl -sSf '\(b.baseURL)/v2/big/blobs/\(layer)' | sha256sum | cut -d' ' -f1", timeout: 120)
        #expect("sha256:" + check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == layer)
    }
}
