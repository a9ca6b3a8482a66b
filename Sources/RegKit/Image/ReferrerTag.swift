public import Foundation

/// The tags that attach an artifact to an image by naming its digest, where a registry has no
/// referrers API: the OCI 1.1 fallback index `sha256-<hex>`, and cosign's
/// `sha256-<hex>.sig`, `.att` and `.sbom`. The one place these spellings live.
public enum ReferrerTag {
    /// The suffixes cosign writes after `sha256-<hex>`; the OCI fallback tag has none.
    public static let suffixes = ["", ".sig", ".att", ".sbom"]

    /// The digest of the image that `tag` is attached to, or nil when `tag` is an ordinary tag.
    public static func subject(of tag: String) -> Digest? {
        guard tag.hasPrefix("sha256-"), tag.utf8.count >= 71 else { return nil }
        let hex = tag.dropFirst(7).prefix(64)
        let rest = tag.dropFirst(71)
        guard suffixes.contains(String(rest)) else { return nil }
        return Digest("sha256:" + hex)
    }

    /// The tags that may attach artifacts to `digest`, in ``suffixes`` order.
    public static func tags(for digest: Digest) -> [String] {
        suffixes.map { fallback(for: digest) + $0 }
    }

    /// The OCI 1.1 fallback tag: an index listing what refers to `digest`, where the registry
    /// has no referrers API.
    public static func fallback(for digest: Digest) -> String { "sha256-\(digest.hex)" }

    /// The bytes of a fallback index listing `referrers`.
    public static func index(listing referrers: [Descriptor]) throws -> Data {
        struct Index: Encodable {
            var schemaVersion = 2
            var mediaType = MediaType.ociIndex
            var manifests: [Descriptor]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Index(manifests: referrers))
    }
}
