/// A registry as the user wrote it, and how to reach it.
///
/// `host[:port]` speaks HTTPS; `http://host[:port]` speaks plain HTTP. The written
/// form is kept as is, because every record carries it (DESIGN.md, "Records"); URLs,
/// messages, credentials and grouping use the normalised ``name``, so that
/// `http://Host:5000/` and `http://host:5000` are one registry.
///
/// Docker Hub goes by several names (`docker.io`, `index.docker.io`, `registry-1.docker.io`):
/// each is one registry, named `docker.io` in messages, whose API is at `registry-1.docker.io`.
public struct RegistryAddress: Sendable, Hashable, CustomStringConvertible {
    /// Exactly as written: `127.0.0.1:5000`, `http://127.0.0.1:5000`, `https://r.example/`.
    public let written: String
    /// `host[:port]`, without scheme or trailing slash, lower-cased (host names are
    /// case-insensitive): where the API is, and the key for credentials and tokens.
    /// `registry-1.docker.io` for every name of Docker Hub.
    public let host: String
    /// True for plain HTTP.
    public let plainHTTP: Bool
    /// Set when the text names a folder instead (`storage:DIR`, `oci:DIR`): read and written
    /// on disk, never through the API.
    public let folder: FolderAddress?

    /// - Throws: ``ReferenceError`` when the text is not a registry.
    public init(_ text: String) throws {
        if let folder = FolderAddress(text) {
            self.written = text
            self.host = folder.description
            self.plainHTTP = false
            self.folder = folder
            return
        }
        var rest = Substring(text)
        var plain = false
        if rest.lowercased().hasPrefix("http://") {
            plain = true
            rest = rest.dropFirst("http://".count)
        } else if rest.lowercased().hasPrefix("https://") {
            rest = rest.dropFirst("https://".count)
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains(where: { $0 == " " || $0 == "@" }) else {
            throw ReferenceError.invalidRegistry(text)
        }
        let host = rest.lowercased()
        self.written = text
        self.host = !plain && RegistryAddress.isDockerHub(host: host) ? RegistryAddress.dockerHubAPIHost : host
        self.plainHTTP = plain
        self.folder = nil
    }

    private init(written: String, host: String) {
        self.written = written
        self.host = host
        self.plainHTTP = false
        self.folder = nil
    }

    /// Docker Hub, for a reference that names no registry (`alpine`, `team/app:1.0`); records
    /// write it `docker.io`, as Docker spells the registry of such a name in full.
    public static let dockerHub = RegistryAddress(written: "docker.io", host: dockerHubAPIHost)

    /// Where Docker Hub's registry API answers.
    static let dockerHubAPIHost = "registry-1.docker.io"

    /// True for the names users write for Docker Hub: `docker.io`, `index.docker.io` (the host of
    /// the `https://index.docker.io/v1/` login key) and `registry-1.docker.io` (its API).
    public static func isDockerHub(host: String) -> Bool {
        ["docker.io", "index.docker.io", dockerHubAPIHost].contains(host.lowercased())
    }

    /// True when this is Docker Hub, however it was written.
    public var isDockerHub: Bool { folder == nil && !plainHTTP && host == RegistryAddress.dockerHubAPIHost }

    /// The repository as the registry's API names it: on Docker Hub a one-segment name is an
    /// official image, `alpine` is `library/alpine`; elsewhere the name is unchanged.
    public func repository(_ name: String) -> String {
        isDockerHub && !name.contains("/") ? "library/" + name : name
    }

    /// The registry spelled one way: `host[:port]` for HTTPS, `http://host[:port]` for plain
    /// HTTP, `docker.io` for Docker Hub. Two addresses with the same name are the same registry,
    /// however they were written.
    /// A folder is named `storage:DIR` or `oci:DIR`, as written.
    public var name: String { folder?.description ?? (isDockerHub ? "docker.io" : plainHTTP ? "http://" + host : host) }

    /// `https://host[:port]` or `http://host[:port]`.
    public var baseURL: String { (plainHTTP ? "http://" : "https://") + host }

    public var description: String { name }

    public static func == (a: RegistryAddress, b: RegistryAddress) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
