/// A source that also lists what it holds: a registry through its API, or a folder
/// (``FolderAddress``). What reg-ls, reg-tags, reg-manifest, reg-diff and a copy read, so that
/// each works the same on a shipped folder as on a registry.
public protocol ImageStore: ImageSource {
    /// Every repository, a page at a time, in the store's order.
    func repositories(each: ([String]) async throws -> Void) async throws

    /// Every tag of `repo`, a page at a time.
    /// - Throws: ``RegistryError/notFound(what:code:)`` when the store has no such repository.
    func tags(_ repo: String, each: ([String]) async throws -> Void) async throws
}
