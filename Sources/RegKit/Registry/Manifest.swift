public import Foundation

/// A content descriptor: what a manifest says of a blob or of another manifest.
public struct Descriptor: Codable, Sendable, Hashable {
    public var mediaType: String?
    public var digest: String
    public var size: Int64
    public var platform: Platform?
    public var annotations: [String: String]?

    public init(mediaType: String?, digest: String, size: Int64, platform: Platform? = nil) {
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

    /// Parses manifest bytes.
    /// - Throws: ``RegistryError/invalidManifest`` when they are not a manifest.
    public static func parse(_ data: Data, reference: String) throws -> Manifest {
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw RegistryError.invalidManifest(reference: reference, reason: "not a JSON manifest")
        }
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
}
