public import Foundation

/// Builds small, valid images in memory: the generated content of `reg-seed`
/// (demo, tests, benchmarks) and of `reg-probe`'s probe image.
///
/// The same seed gives the same bytes, so two registries can be given identical images.
public struct ImageBuilder: Sendable {
    /// The manifest format to write.
    public enum Format: String, Sendable, CaseIterable {
        case oci, docker
    }

    /// A blob to upload, with its descriptor.
    public struct Blob: Sendable {
        public let descriptor: Descriptor
        public let data: Data
    }

    /// A built image: its blobs (configs and layers), the child manifests of an
    /// index, and the top manifest.
    public struct Image: Sendable {
        public var blobs: [Blob] = []
        /// Platform manifests of an index, pushed by digest before the index.
        public var children: [(mediaType: String, data: Data)] = []
        public var mediaType: String
        public var manifest: Data
        public var digest: Digest { Digest(of: manifest) }
    }

    public var format: Format
    public var created: Timestamp
    /// One platform gives an image manifest; several give an index.
    public var platforms: [Platform]

    public init(
        format: Format = .oci, created: Timestamp = Timestamp(seconds: 1_700_000_000),
        platforms: [Platform] = [Platform(os: "linux", architecture: "amd64")]
    ) {
        self.format = format
        self.created = created
        self.platforms = platforms
    }

    /// Layers an image is built on: another image's, by descriptor (their bytes stay where they
    /// are) and by the digests of their uncompressed content (its config's `diff_ids`).
    public struct BaseLayers: Sendable, Equatable {
        public var layers: [Descriptor]
        public var diffIDs: [Digest]
        public var platform: Platform

        public init(layers: [Descriptor], diffIDs: [Digest], platform: Platform) {
            self.layers = layers
            self.diffIDs = diffIDs
            self.platform = platform
        }
    }

    /// Builds the image whose content is derived from `seed`.
    public func build(seed: String) -> Image {
        var blobs: [Blob] = []
        var children: [(mediaType: String, data: Data)] = []
        var entries: [Descriptor] = []
        for platform in platforms {
            let content = Data("reg generated content\nseed: \(seed)\nplatform: \(platform)\n".utf8)
            let tar = Tar.archive(name: "reg-seed.txt", contents: content, modified: created)
            let image = build(
                layer: tar, on: BaseLayers(layers: [], diffIDs: [], platform: platform), label: ("org.reg.seed", seed),
                createdBy: "reg-seed")
            blobs += image.blobs
            children.append((image.mediaType, image.manifest))
            entries.append(
                Descriptor(
                    mediaType: image.mediaType, digest: image.digest, size: Int64(image.manifest.count), platform: platform))
        }
        if platforms.count == 1, let only = children.first {
            return Image(blobs: blobs, children: [], mediaType: only.mediaType, manifest: only.data)
        }
        let indexType = format == .oci ? MediaType.ociIndex : MediaType.dockerManifestList
        let index = ImageBuilder.json([
            "schemaVersion": 2,
            "mediaType": indexType,
            "manifests": entries.map(ImageBuilder.object),
        ])
        return Image(blobs: blobs, children: children, mediaType: indexType, manifest: index)
    }

    /// A one-platform image: `base`'s layers, then the gzip of `tar` as a new layer; the
    /// config names the platform of `base` and carries `label`. Only the new layer and the
    /// config are among the image's blobs: the base layers are wherever `base` came from.
    /// reg-seed builds each platform of its images so, and reg-probe its probe image.
    public func build(layer tar: Data, on base: BaseLayers, label: (key: String, value: String), createdBy: String)
        -> Image
    {
        let platform = base.platform
        let manifestType = format == .oci ? MediaType.ociManifest : MediaType.dockerManifest
        let layer = Gzip.compress(tar)
        let layerDescriptor = Descriptor(
            mediaType: format == .oci ? MediaType.ociLayerGzip : MediaType.dockerLayerGzip,
            digest: Digest(of: layer), size: Int64(layer.count))
        let config = ImageBuilder.json([
            "architecture": platform.architecture,
            "os": platform.os,
            "variant": platform.variant,
            "created": created.description,
            "config": ["Labels": [label.key: label.value]],
            "rootfs": ["type": "layers", "diff_ids": (base.diffIDs + [Digest(of: tar)]).map(\.description)],
            "history": [["created": created.description, "created_by": createdBy]],
        ])
        let configDescriptor = Descriptor(
            mediaType: format == .oci ? MediaType.ociConfig : MediaType.dockerConfig,
            digest: Digest(of: config), size: Int64(config.count))
        let manifest = ImageBuilder.json([
            "schemaVersion": 2,
            "mediaType": manifestType,
            "config": ImageBuilder.object(configDescriptor),
            "layers": (base.layers + [layerDescriptor]).map(ImageBuilder.object),
        ])
        return Image(
            blobs: [Blob(descriptor: configDescriptor, data: config), Blob(descriptor: layerDescriptor, data: layer)],
            mediaType: manifestType, manifest: manifest)
    }

    /// A manifest that is unique by `note` and holds nothing: OCI 1.1's empty
    /// descriptor (`{}`) as config and only layer. reg-rm points a tag at it to
    /// remove the tag where the registry cannot delete tags.
    public static func placeholder(note: String) -> Image {
        let empty = Data("{}".utf8)
        let descriptor = Descriptor(
            mediaType: MediaType.ociEmpty, digest: Digest(of: empty), size: Int64(empty.count))
        let manifest = json([
            "schemaVersion": 2,
            "mediaType": MediaType.ociManifest,
            "artifactType": MediaType.ociEmpty,
            "config": object(descriptor),
            "layers": [object(descriptor)],
            "annotations": ["org.reg.placeholder": note],
        ])
        return Image(blobs: [Blob(descriptor: descriptor, data: empty)], mediaType: MediaType.ociManifest, manifest: manifest)
    }

    static func object(_ d: Descriptor) -> [String: Any] {
        var o: [String: Any] = ["mediaType": d.mediaType ?? "", "digest": d.digest.description, "size": d.size]
        if let p = d.platform {
            var platform: [String: Any] = ["os": p.os, "architecture": p.architecture]
            if let v = p.variant { platform["variant"] = v }
            o["platform"] = platform
        }
        return o
    }

    /// Canonical JSON: sorted keys, no slashes escaped, nil values left out.
    static func json(_ object: [String: Any?]) -> Data {
        let clean = object.compactMapValues { $0 }
        return (try? JSONSerialization.data(withJSONObject: clean, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

/// A one-file ustar archive: enough for a generated layer.
enum Tar {
    static func archive(name: String, contents: Data, modified: Timestamp) -> Data {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(width - 1 - digits.count, 0)) + digits
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(contents.count, width: 12), at: 124)
        put(octal(Int(modified.seconds), width: 12), at: 136)
        put("        ", at: 148)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7), at: 148)
        header[155] = UInt8(ascii: " ")
        var data = Data(header)
        data.append(contents)
        data.append(Data(count: (512 - contents.count % 512) % 512 + 1024))
        return data
    }
}
