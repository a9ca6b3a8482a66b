import Foundation

/// Removes a tag and keeps the image it points at, for its other tags.
///
/// Where the registry deletes tags (OCI distribution 1.1: `DELETE` on the tag) that is
/// one request. Where it cannot (distribution 2.8 answers 400 `DIGEST_INVALID`), the
/// tag is first pointed at a placeholder, a tiny manifest unique to this removal,
/// which is then deleted by digest and takes the tag with it, as regctl does.
///
/// The fallback's trade-offs: it needs push as well as delete permission; between
/// the two requests a pull of the tag gets an empty image; the 2-byte config blob
/// `{}` stays until garbage collection; if the second request fails, the tag is
/// left on the placeholder (the error names its digest).
public actor TagRemover {
    public enum Outcome: Sendable, Equatable {
        case removed
        /// The tag was already gone.
        case absent
        /// The tag no longer points at the digest it was selected with.
        case moved(to: String)
    }

    private let client: RegistryClient
    /// Registries that answered a tag `DELETE` with 400: go straight to the fallback.
    private var withoutTagDelete: Set<String> = []
    /// Registries whose deletion switch was probed, so a placeholder is pushed only
    /// where it can be deleted again.
    private var deletionProbed: Set<String> = []

    public init(client: RegistryClient) { self.client = client }

    /// Removes `repo:tag`, which was resolved to `digest`.
    public func remove(_ registry: RegistryAddress, repo: String, tag: String, digest: Digest) async throws -> Outcome {
        if !withoutTagDelete.contains(registry.name) {
            do {
                return try await client.deleteManifest(registry, repo: repo, reference: tag) ? .removed : .absent
            } catch RegistryError.unexpected(_, let status, _) where status == 400 {
                withoutTagDelete.insert(registry.name)
            } catch RegistryError.deletionDisabled {
                // 405 on a tag is the OCI spec's "tag deletion disabled", not "deletion disabled":
                // the digest probe below tells the two apart.
                withoutTagDelete.insert(registry.name)
            }
        }
        try await probeDeletion(registry, repo: repo)
        let current: Digest
        do {
            current = try await client.head(registry, repo: repo, reference: tag).digest
        } catch RegistryError.notFound {
            return .absent
        }
        guard current == digest else { return .moved(to: current.description) }
        let placeholder = ImageBuilder.placeholder(note: "reg-rm --tag-only \(repo):\(tag) \(UUID().uuidString)")
        try await ImageCopier(target: RegistryStore(registry: registry, client: client)).copy(
            from: BuiltImageSource(placeholder), repo: repo, reference: "latest", to: repo, tag: tag)
        do {
            try await client.deleteManifest(registry, repo: repo, reference: placeholder.digest.description)
        } catch {
            throw TagRemovalError.placeholderLeft(
                tag: ImageReference.display(registry, repo, tag), placeholder: placeholder.digest.description, cause: "\(error)")
        }
        return .removed
    }

    /// Probes each registry once, before any placeholder is pushed there.
    private func probeDeletion(_ registry: RegistryAddress, repo: String) async throws {
        guard !deletionProbed.contains(registry.name) else { return }
        try await Self.probeDeletion(client, registry, repo: repo)
        deletionProbed.insert(registry.name)
    }

    /// Deletes a digest no manifest has: 404 when deletion works; 405 when it is disabled
    /// (thrown as ``RegistryError/deletionDisabled``), 401 or 403 without delete permission.
    /// Harmless, so dry runs make it too.
    static func probeDeletion(_ client: RegistryClient, _ registry: RegistryAddress, repo: String) async throws {
        let nothing = Digest(of: Array("reg-rm deletion probe \(UUID().uuidString)".utf8))
        _ = try await client.deleteManifest(registry, repo: repo, reference: nothing.description)
    }
}

/// A tag removal that stopped halfway.
public enum TagRemovalError: Error, CustomStringConvertible {
    case placeholderLeft(tag: String, placeholder: String, cause: String)

    public var description: String {
        switch self {
        case .placeholderLeft(let tag, let placeholder, let cause):
            return
                "\(tag) now points at the placeholder \(placeholder), which could not be deleted (\(cause)); delete it by digest"
        }
    }
}
