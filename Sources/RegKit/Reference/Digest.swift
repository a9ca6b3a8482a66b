/// A content digest, `sha256:<64 lower-case hex>`: the only algorithm registries use.
public struct Digest: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 64 hex digits.
    public let hex: String

    /// Nil unless `text` is `sha256:` and 64 lower-case hex digits.
    public init?(_ text: String) {
        guard text.hasPrefix("sha256:") else { return nil }
        let hex = text.dropFirst(7)
        guard hex.utf8.count == 64,
            hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
        else { return nil }
        self.hex = String(hex)
    }

    /// The digest of `bytes`, computed with libcrypto.
    public init(of bytes: some Collection<UInt8>) {
        let hasher = SHA256()
        hasher.update(bytes)
        self = hasher.finish()
    }

    init(hex: String) { self.hex = hex }

    public var description: String { "sha256:" + hex }
    public static func < (a: Digest, b: Digest) -> Bool { a.hex < b.hex }
}

extension Digest: Codable {
    /// Decodes `sha256:<64 hex>` and nothing else, so a hostile value in a manifest
    /// (`sha256:../../x`) never reaches a URL or a path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let digest = Digest(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "digest \(text.debugDescription) is not sha256:<64 lower-case hex>")
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
