import Foundation

/// An OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/...`) holding one generated image,
/// single- or multi-platform, ready for `skopeo copy oci:DIR:REF docker://...` (see ``push(layout:to:repo:tag:all:format:)``).
///
/// Content is a function of `seed`, `created`, the platforms and `layerBytes`: the same arguments give the same
/// digests (two registries can hold identical images), another seed gives other digests. Needs no RegKit code.
/// The directory is deleted when the object goes away.
final class OCILayout: Sendable {
    /// How the image is pushed: as it is in the layout (OCI), or converted by skopeo to Docker schema2 (`--format v2s2`).
    enum Format: Sendable {
        case oci, docker
    }

    /// 2023-11-14T22:13:20Z, the `created` of generated images unless a test asks for another.
    static let defaultCreated = Date(timeIntervalSince1970: 1_700_000_000)

    static let manifestType = "application/vnd.oci.image.manifest.v1+json"
    static let indexType = "application/vnd.oci.image.index.v1+json"
    static let configType = "application/vnd.oci.image.config.v1+json"
    static let layerType = "application/vnd.oci.image.layer.v1.tar+gzip"

    /// The layout directory.
    let directory: URL
    /// The `org.opencontainers.image.ref.name` of the image in `index.json`: `oci:DIR:REFERENCE`.
    let reference: String
    /// Digest, media type and size of the top manifest: the image manifest, or the index of a multi-platform image.
    let digest: String
    let mediaType: String
    let size: Int
    /// For a multi-platform image, each platform (`linux/arm64/v8`) and its manifest's digest, in index order;
    /// for a single image, its one platform and ``digest``.
    let platforms: [(platform: String, digest: String)]
    /// `created` of the image config(s), RFC 3339 (`2023-11-14T22:13:20Z`).
    let created: String

    /// `oci:DIR:REF`, for skopeo.
    var skopeoReference: String { "oci:\(directory.path):\(reference)" }

    private init(
        directory: URL, reference: String, top: Descriptor, platforms: [(String, String)], created: String
    ) {
        self.directory = directory
        self.reference = reference
        self.digest = top.digest
        self.mediaType = top.mediaType
        self.size = top.size
        self.platforms = platforms
        self.created = created
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A single-platform OCI image: one gzip layer holding `seed.txt` (the seed, the platform and `layerBytes`
    /// bytes derived from the seed), and its config.
    static func image(
        seed: String = UUID().uuidString, created: Date = defaultCreated, platform: String = "linux/amd64",
        layerBytes: Int = 256
    ) throws -> OCILayout {
        let writer = try Writer()
        let stamp = rfc3339(created)
        let manifest = try writer.image(seed: seed, created: stamp, platform: platform, layerBytes: layerBytes)
        try writer.finish(manifest)
        return OCILayout(
            directory: writer.directory, reference: Writer.referenceName, top: manifest,
            platforms: [(platform, manifest.digest)], created: stamp)
    }

    /// A multi-platform image: an OCI index over one image per platform (each with its own layer).
    /// - Parameter attestations: also an attestation manifest per platform, listed as
    ///   `docker buildx` lists them (platform `unknown/unknown`, `vnd.docker.reference.digest`).
    static func multiPlatform(
        seed: String = UUID().uuidString, created: Date = defaultCreated,
        platforms: [String] = ["linux/amd64", "linux/arm64/v8"], layerBytes: Int = 256, attestations: Bool = false
    ) throws -> OCILayout {
        let writer = try Writer()
        let stamp = rfc3339(created)
        var children: [(String, Descriptor)] = []
        for platform in platforms {
            children.append(
                (platform, try writer.image(seed: seed, created: stamp, platform: platform, layerBytes: layerBytes)))
        }
        var entries = children.map { platform, child in
            child.json.merging(["platform": platformJSON(platform)]) { _, new in new }
        }
        if attestations {
            for (_, child) in children {
                let attestation = try writer.image(
                    seed: seed + child.digest, created: stamp, platform: "unknown/unknown", layerBytes: 64)
                let annotations = [
                    "vnd.docker.reference.digest": child.digest, "vnd.docker.reference.type": "attestation-manifest",
                ]
                entries.append(
                    attestation.json.merging(["platform": platformJSON("unknown/unknown"), "annotations": annotations]) {
                        _, new in new
                    })
            }
        }
        let index: [String: Any] = ["schemaVersion": 2, "mediaType": indexType, "manifests": entries]
        let top = try writer.blob(json(index), mediaType: indexType)
        try writer.finish(top)
        return OCILayout(
            directory: writer.directory, reference: Writer.referenceName, top: top,
            platforms: children.map { ($0.0, $0.1.digest) }, created: stamp)
    }

    // MARK: Building blocks

    struct Descriptor {
        var mediaType: String
        var digest: String
        var size: Int
        var json: [String: Any] { ["mediaType": mediaType, "digest": digest, "size": size] }
    }

    /// Writes blobs into a fresh layout directory.
    private struct Writer {
        static let referenceName = "latest"
        let directory: URL
        var blobs: URL { directory.appendingPathComponent("blobs/sha256") }

        init() throws {
            directory = try makeTemporaryDirectory("oci-layout")
            try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
            try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: directory.appendingPathComponent("oci-layout"))
        }

        func blob(_ data: Data, mediaType: String) throws -> Descriptor {
            let hex = sha256Hex(data)
            try data.write(to: blobs.appendingPathComponent(hex))
            return Descriptor(mediaType: mediaType, digest: "sha256:\(hex)", size: data.count)
        }

        /// The layer, the config and the manifest of one platform's image; returns the manifest's descriptor.
        func image(seed: String, created: String, platform: String, layerBytes: Int) throws -> Descriptor {
            let text = "seed: \(seed)\nplatform: \(platform)\n" + filler(seed: seed + platform, count: layerBytes) + "\n"
            let mtime = Int(ISO8601DateFormatter().date(from: created)?.timeIntervalSince1970 ?? 0)
            let tar = OCILayout.tar(name: "seed.txt", contents: Data(text.utf8), mtime: mtime)
            let layer = try blob(try gzip(tar), mediaType: OCILayout.layerType)
            var config: [String: Any] = [
                "created": created,
                "config": ["Labels": ["org.example.reg-test.seed": seed]],
                "rootfs": ["type": "layers", "diff_ids": ["sha256:" + sha256Hex(tar)]],
                "history": [["created": created, "created_by": "reg integration test harness"]],
            ]
            config.merge(platformJSON(platform)) { _, new in new }
            let configBlob = try blob(json(config), mediaType: OCILayout.configType)
            let manifest: [String: Any] = [
                "schemaVersion": 2,
                "mediaType": OCILayout.manifestType,
                "config": configBlob.json,
                "layers": [layer.json],
            ]
            return try blob(json(manifest), mediaType: OCILayout.manifestType)
        }

        /// Writes `index.json` naming `top` as ``referenceName``.
        func finish(_ top: Descriptor) throws {
            var entry = top.json
            entry["annotations"] = ["org.opencontainers.image.ref.name": Self.referenceName]
            let index: [String: Any] = ["schemaVersion": 2, "manifests": [entry]]
            try json(index).write(to: directory.appendingPathComponent("index.json"))
        }

        /// `gzip -n`: no name, no time stamp, so the same input always gives the same bytes.
        private func gzip(_ data: Data) throws -> Data {
            let file = directory.appendingPathComponent("layer-\(UUID().uuidString).tar")
            try data.write(to: file)
            let result = try run(["gzip", "-n", "-9", "-f", file.path])
            guard result.status == 0 else { throw HarnessError("gzip failed: \(result)") }
            let compressed = file.appendingPathExtension("gz")
            defer { try? FileManager.default.removeItem(at: compressed) }
            return try Data(contentsOf: compressed)
        }
    }

    /// `count` printable characters that depend only on `seed` (a SHA-256 chain, in hex).
    static func filler(seed: String, count: Int) -> String {
        var out = ""
        var block = sha256Hex(Data(seed.utf8))
        while out.count < count {
            out += block
            block = sha256Hex(Data(block.utf8))
        }
        return String(out.prefix(count))
    }

    /// A POSIX ustar archive holding one regular file (mode 0644, owner 0:0).
    static func tar(name: String, contents: Data, mtime: Int) -> Data {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ string: String, at offset: Int) {
            for (i, byte) in string.utf8.enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(contents.count, width: 12), at: 124)
        put(octal(mtime, width: 12), at: 136)
        put("        ", at: 148)
        put("0", at: 156)
        put("ustar\u{0}00", at: 257)
        put("root", at: 265)
        put("root", at: 297)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + "\u{0} ", at: 148)
        var archive = Data(header)
        archive.append(contents)
        archive.append(Data(count: (512 - contents.count % 512) % 512))
        archive.append(Data(count: 1024))
        return archive
    }

    /// `{"os": "linux", "architecture": "arm64", "variant": "v8"}` from `linux/arm64/v8`.
    static func platformJSON(_ platform: String) -> [String: Any] {
        let parts = platform.split(separator: "/").map(String.init)
        var json: [String: Any] = ["os": parts.first ?? "linux", "architecture": parts.count > 1 ? parts[1] : "amd64"]
        if parts.count > 2 { json["variant"] = parts[2] }
        return json
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// Compact JSON with sorted keys and unescaped slashes: stable bytes, hence stable digests.
private func json(_ object: Any) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
}

/// Pushes the image in `layout` to `repo:tag` on `server` with `skopeo copy`, with the TLS and credential flags the
/// server needs; returns the digest of the manifest pushed (the index's, for a multi-platform image with `all`).
///
/// - Parameters:
///   - all: copy every platform of an index (`--all`); else skopeo copies the one matching this machine.
///   - format: `.docker` converts to Docker schema2 on the way (`--format v2s2`): other digests than the layout's.
@discardableResult
func push(
    layout: OCILayout, to server: RegistryServer, repo: String, tag: String, all: Bool = true,
    format: OCILayout.Format = .oci
) throws -> String {
    let digestFile = layout.directory.appendingPathComponent("pushed-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: digestFile) }
    var args = ["copy", "--quiet", "--digestfile", digestFile.path]
    if all { args.append("--all") }
    if format == .docker { args += ["--format", "v2s2"] }
    args += server.skopeoDestArgs + [layout.skopeoReference, server.dockerReference("\(repo):\(tag)")]
    let result = try skopeo(args)
    guard result.status == 0 else {
        throw HarnessError("skopeo copy to \(server.hostPort)/\(repo):\(tag) failed: \(result.stderr)")
    }
    return try String(contentsOf: digestFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
}
