/// Why a folder store refused a name or its content.
public enum LayoutError: TroubleReporting, Sendable, Equatable, CustomStringConvertible {
    /// A repository name that is not the OCI grammar (`..`, `/` at either end, capitals,
    /// control characters): it would not stay a path inside the folder.
    case unsafeRepository(String, folder: String)
    /// A tag that is not `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
    case unsafeTag(String, folder: String)
    /// A link file (or an `index.json` entry) that is not `sha256:<64 hex>`.
    case invalidLink(path: String)
    /// A file the folder store cannot make sense of (`index.json` that is not an index).
    case invalidFile(path: String, reason: String)
    /// A folder given where the tool needs a registry it talks to (reg-rm, a reg-copy destination).
    case notARegistry(String)

    public var description: String {
        switch self {
        case .unsafeRepository(let name, let folder):
            return
                "\(folder): repository \(name.debugDescription) is refused: it must be lower-case letters, digits and . _ - separated by /"
        case .unsafeTag(let tag, let folder):
            return
                "\(folder): tag \(tag.debugDescription) is refused: it must be letters, digits, _ . - (at most 128, not starting with . or -)"
        case .invalidLink(let path):
            return "\(path): not a link (sha256: and 64 lower-case hex digits): refusing it"
        case .invalidFile(let path, let reason):
            return "\(path): \(reason)"
        case .notARegistry(let folder):
            return "\(folder) is a folder, not a registry: this tool needs a registry here"
        }
    }

    /// A folder where a registry is needed is bad usage (exit status 2); the rest is about one record.
    public var isTrouble: Bool {
        if case .notARegistry = self { return true }
        return false
    }
}
