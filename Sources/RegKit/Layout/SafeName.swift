/// The names a folder store turns into paths, checked first: a repository by the OCI grammar
/// (lower-case components joined by `/`, each starting and ending with a letter or digit, so no
/// `..`, no absolute path, no control character), a tag by its grammar. Digests are ``Digest``
/// values, `sha256:<64 hex>` by construction.
enum SafeName {
    /// - Throws: ``LayoutError/unsafeRepository(_:folder:)``.
    static func repository(_ repo: String, in folder: String) throws -> String {
        guard ImageReference.isValidRepository(repo) else { throw LayoutError.unsafeRepository(repo, folder: folder) }
        return repo
    }

    /// - Throws: ``LayoutError/unsafeTag(_:folder:)``.
    static func tag(_ tag: String, in folder: String) throws -> String {
        guard ImageReference.isValidTag(tag) else { throw LayoutError.unsafeTag(tag, folder: folder) }
        return tag
    }
}
