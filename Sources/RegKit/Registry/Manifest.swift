public import Foundation

/// A content descriptor: what a manifest says of a blob or of another manifest.
///
/// The digest is a ``Digest``: a manifest naming anything but `sha256:<64 hex>` does not parse,
/// so no hostile value reaches a URL or a path. The OCI 1.1 fields are kept, so a copy can
/// write a manifest's meaning back whole.
public struct Descriptor: Codable, Sendable, Hashable {
    public var mediaType: String?
    public var digest: Digest
    public var size: Int64
    public var platform: Platform?
    public var annotations: [String: String]?
    /// Where else the blob may be fetched from (foreign layers).
    public var urls: [String]?
    /// OCI 1.1: the type of an artifact this descriptor points at.
    public var artifactType: String?

    public init(mediaType: String?, digest: Digest, size: Int64, platform: Platform? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.platform = platform
    }
}

/// The platform of one entry of an index.
public struct Platform: Codable, Sendable, Hashable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    enum CodingKeys: String, CodingKey { case os, architecture, variant }

    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    /// `os/architecture[/variant]`, as `docker` and the records write it.
    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }

    /// Parses `os/architecture[/variant]`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), !parts.contains(where: \.isEmpty) else { return nil }
        self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// True when `platform` is this one; a pattern without a variant takes every variant.
    public func matches(_ platform: Platform) -> Bool {
        os == platform.os && architecture == platform.architecture && (variant == nil || variant == platform.variant)
    }
}

/// The parts of a manifest that reg reads: an image manifest or an index.
public struct Manifest: Decodable, Sendable {
    public var schemaVersion: Int?
    public var mediaType: String?
    /// Image manifests: the config blob.
    public var config: Descriptor?
    /// Image manifests: the layers.
    public var layers: [Descriptor]?
    /// Indexes: one entry per platform (and attestations, with platform unknown/unknown).
    public var manifests: [Descriptor]?
    /// OCI 1.1: the manifest this one refers to.
    public var subject: Descriptor?

    /// OCI 1.1: the artifact's type.
    public var artifactType: String?

    /// Parses manifest bytes.
    /// - Throws: ``RegistryError/invalidManifest`` when they are not a manifest, naming the
    ///   field that is wrong.
    public static func parse(_ data: Data, reference: String) throws -> Manifest {
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw RegistryError.invalidManifest(reference: reference, reason: "\(field): \(context.debugDescription)")
        } catch {
            throw RegistryError.invalidManifest(reference: reference, reason: "not a JSON manifest")
        }
    }

    /// The manifest's type as its content shows it: the `mediaType` it declares, else an
    /// index when it lists `manifests`, an image when it has a `config`. For registries that
    /// answer `application/json` or no type at all.
    public var inferredMediaType: String? {
        if let mediaType, !mediaType.isEmpty { return mediaType }
        if manifests != nil { return MediaType.ociIndex }
        if config != nil { return MediaType.ociManifest }
        if schemaVersion == 1 { return MediaType.dockerSchema1 }
        return nil
    }

    /// The index entries that are images for a real platform (not attestations).
    public var platformEntries: [Descriptor] {
        (manifests ?? []).filter { d in
            guard let p = d.platform else { return true }
            return p.os != "unknown" && p.architecture != "unknown"
        }
    }
}

/// The parts of an image config that reg reads.
public struct ImageConfig: Decodable, Sendable {
    public var created: String?
    public var architecture: String?
    public var os: String?
    public var variant: String?
    /// The digests of the layers' uncompressed content, in the manifest's order.
    public var rootfs: RootFS?

    public struct RootFS: Decodable, Sendable {
        /// As written: a config whose `diff_ids` are not digests still gives its other fields.
        public var diffIDs: [String]?

        enum CodingKeys: String, CodingKey { case diffIDs = "diff_ids" }
    }
}
