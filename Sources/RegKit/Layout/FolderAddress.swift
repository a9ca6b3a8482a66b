/// A folder where a registry is expected: `storage:DIR` (a registry's storage tree, as
/// `docker-registry serve` keeps it) or `oci:DIR` (an OCI image layout). The one place these
/// spellings live; every tool takes them wherever it takes a registry, and records carry them
/// in `registry` as written.
public struct FolderAddress: Sendable, Hashable, CustomStringConvertible {
    /// How the folder is laid out.
    public enum Layout: String, Sendable, CaseIterable {
        /// `docker/registry/v2/...`: blobs, repositories with their links (``StorageFolder``).
        case storage
        /// `oci-layout`, `index.json`, `blobs/sha256/...` (``OCIFolder``).
        case oci

        /// What comes before the path: `storage:` or `oci:`.
        public var prefix: String { rawValue + ":" }
    }

    public let layout: Layout
    /// The folder as written after the prefix (relative paths stay relative).
    public let path: String

    public init(layout: Layout, path: String) {
        self.layout = layout
        self.path = path
    }

    /// Nil unless `text` is `storage:PATH` or `oci:PATH` with a path that is not empty.
    public init?(_ text: String) {
        guard let layout = Layout.allCases.first(where: { text.hasPrefix($0.prefix) }) else { return nil }
        let path = String(text.dropFirst(layout.prefix.count))
        guard !path.isEmpty, !path.utf8.contains(0) else { return nil }
        self.init(layout: layout, path: path)
    }

    /// `storage:PATH` or `oci:PATH`.
    public var description: String { layout.prefix + path }

    /// The store that reads and writes this folder.
    public func store() -> any ImageStore & ImageTarget {
        switch layout {
        case .storage: return StorageFolder(root: path, name: description)
        case .oci: return OCIFolder(root: path, name: description)
        }
    }
}
