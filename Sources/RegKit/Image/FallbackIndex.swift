extension ImageTarget where Self: ImageSource {
    /// ``ImageTarget/indexReferrers(_:subject:referrers:)`` for a store without a referrers API:
    /// `referrers` join the OCI fallback index tagged ``ReferrerTag/fallback(for:)``, after what
    /// it lists already; when they are all listed, nothing is written.
    func indexInFallbackTag(_ repo: String, subject: Digest, referrers: [Descriptor]) async throws {
        let tag = ReferrerTag.fallback(for: subject)
        var listed: [Descriptor] = []
        do {
            listed = try await manifest(repo, reference: tag).children
        } catch RegistryError.notFound {}
        let added = referrers.filter { referrer in !listed.contains { $0.digest == referrer.digest } }
        guard !added.isEmpty else { return }
        try await putManifest(
            repo, reference: tag, bytes: try ReferrerTag.index(listing: listed + added), mediaType: MediaType.ociIndex)
    }
}
