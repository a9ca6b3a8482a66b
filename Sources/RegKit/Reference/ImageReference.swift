/// A reference as a person writes it: `REGISTRY`, `REGISTRY/REPO`,
/// `REGISTRY/REPO:TAG` or `REGISTRY/REPO@sha256:...`.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    public let registry: RegistryAddress
    public let repo: String?
    public let tag: String?
    public let digest: Digest?

    public init(registry: RegistryAddress, repo: String? = nil, tag: String? = nil, digest: Digest? = nil) {
        self.registry = registry
        self.repo = repo
        self.tag = tag
        self.digest = digest
    }

    /// Parses a reference from the command line.
    ///
    /// Without a scheme, the part before the first `/` is a registry when Docker would take it
    /// for one (``namesRegistry(_:)``); otherwise the whole text names a repository on Docker Hub
    /// (`alpine:3.20`, `team/app`). Text without a `/` is a registry alone when the part before
    /// any `:` names one (`r.example`, `127.0.0.1:5000`, `localhost:5000`). On Docker Hub a
    /// one-segment repository is an official image: `alpine` is `library/alpine`.
    /// - Throws: ``ReferenceError`` naming the text and what is wrong with it.
    /// A folder where a registry is expected (`storage:DIR`, `oci:DIR`, ``FolderAddress``) is
    /// the whole text: its images are named by records, not on the command line.
    public init(parsing text: String) throws {
        if FolderAddress(text) != nil {
            self.init(registry: try RegistryAddress(text))
            return
        }
        var rest = Substring(text)
        var scheme = ""
        for prefix in ["http://", "https://"] where rest.hasPrefix(prefix) {
            scheme = prefix
            rest = rest.dropFirst(prefix.count)
        }
        let registry: RegistryAddress
        var path: Substring
        let slash = rest.firstIndex(of: "/")
        if !scheme.isEmpty || ImageReference.namesRegistry(slash.map { rest[..<$0] } ?? rest.prefix { $0 != ":" && $0 != "@" }) {
            guard let slash else {
                self.init(registry: try RegistryAddress(text))
                return
            }
            registry = try RegistryAddress(scheme + rest[..<slash])
            path = rest[rest.index(after: slash)...]
        } else {
            registry = .dockerHub
            path = rest
        }
        var digest: Digest?
        if let at = path.firstIndex(of: "@") {
            let d = String(path[path.index(after: at)...])
            guard let parsed = Digest(d) else { throw ReferenceError.invalidDigest(d, in: text) }
            digest = parsed
            path = path[..<at]
        }
        var tag: String?
        if let colon = path.lastIndex(of: ":") {
            tag = String(path[path.index(after: colon)...])
            path = path[..<colon]
            guard ImageReference.isValidTag(tag!) else { throw ReferenceError.invalidTag(tag!, in: text) }
        }
        let repo = String(path)
        guard ImageReference.isValidRepository(repo) else { throw ReferenceError.invalidRepository(repo, in: text) }
        self.init(registry: registry, repo: registry.repository(repo), tag: tag, digest: digest)
    }

    /// Docker's rule for the first segment of a reference: a registry when it holds `.` or `:`
    /// or is `localhost`, else the start of a Docker Hub repository. What cannot begin a
    /// repository (nothing, capitals, `@`) is taken for a registry too, whose error says more.
    static func namesRegistry(_ segment: Substring) -> Bool {
        segment.isEmpty || segment == "localhost"
            || segment.contains { $0 == "." || $0 == ":" || $0 == "@" || $0 == "[" || $0.isUppercase }
    }

    /// The OCI grammar: lower-case path components joined by `/`, separators `.`, `_`, `__`, `-`.
    public static func isValidRepository(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255 else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
            guard let first = component.utf8.first, let last = component.utf8.last,
                isLowerAlnum(first), isLowerAlnum(last)
            else { return false }
            return component.utf8.allSatisfy {
                isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
        }
    }

    /// `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
    public static func isValidTag(_ tag: String) -> Bool {
        guard let first = tag.utf8.first, tag.utf8.count <= 128 else { return false }
        func word(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 65 && c <= 90) || c == UInt8(ascii: "_") }
        return word(first) && tag.utf8.allSatisfy { word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }

    /// The tag, else the digest: what goes after `/manifests/`.
    public var manifestReference: String? { digest?.description ?? tag }

    public var description: String {
        var s = registry.name
        if let repo { s += "/" + repo }
        if let tag { s += ":" + tag }
        if let digest { s += "@" + digest.description }
        return s
    }
}

/// Why a reference or registry could not be parsed.
public enum ReferenceError: Error, Equatable, CustomStringConvertible {
    /// Not `host[:port]`, optionally with `http://` or `https://`.
    case invalidRegistry(String)
    /// The repository name breaks the OCI grammar.
    case invalidRepository(String, in: String)
    /// The tag breaks the OCI grammar.
    case invalidTag(String, in: String)
    /// Not `sha256:` and 64 lower-case hex digits.
    case invalidDigest(String, in: String)

    public var description: String {
        switch self {
        case .invalidRegistry(let s):
            return "'\(s)' is not a registry: write host[:port], or http://host[:port] for plain HTTP"
        case .invalidRepository(let r, let text):
            return "'\(text)': repository '\(r)' must be lower-case letters, digits and . _ - separated by /"
        case .invalidTag(let t, let text):
            return "'\(text)': tag '\(t)' must be letters, digits, _ . - (at most 128, not starting with . or -)"
        case .invalidDigest(let d, let text):
            return "'\(text)': digest '\(d)' must be sha256: followed by 64 lower-case hex digits"
        }
    }
}
