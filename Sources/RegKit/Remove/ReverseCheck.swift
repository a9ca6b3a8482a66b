/// Finds the tags outside a selection and what they reach, so reg-rm keeps what they need.
///
/// Lists the repositories in scope (the catalog, or the selection's repositories),
/// their tags, and resolves each tag that is not selected by HEAD; an index is walked
/// for every manifest below it (``ImageWalk``). Any failure but a tag that is no longer there
/// fails the check: a deletion must not rest on a partial view of the registry.
struct ReverseCheck: Sendable {
    let scope: RemovalScope

    /// Adds every unselected tag of `registry` in scope to `plan`.
    func scan(_ registry: RegistryAddress, selection: [RemovalPlan.Target], into plan: inout RemovalPlan, _ context: ToolContext)
        async throws
    {
        let client = context.client
        let diagnostics = context.diagnostics
        var repos: [String] = []
        switch scope {
        case .registry:
            try await client.catalog(registry) { repos += $0 }
        case .repo:
            for target in selection where !repos.contains(target.repo) { repos.append(target.repo) }
        }
        let selected = Set(selection.compactMap { target in target.tag.map { [target.repo, $0] } })
        diagnostics.progress("checking \(repos.count) repositories of \(registry.written) for other tags")
        let tagLists = try await Concurrently.tryMap(repos) { repo -> [String] in
            var tags: [String] = []
            do {
                try await client.tags(registry, repo: repo) { tags += $0 }
            } catch RegistryError.notFound {
                return []
            }
            return tags.filter { !selected.contains([repo, $0]) }.map { repo + ":" + $0 }
        }
        let others = tagLists.flatMap { $0 }
        diagnostics.progress("resolving \(others.count) other tags of \(registry.written)")
        let walk = ImageWalk(source: RegistryStore(registry: registry, client: client))
        let reached = try await Concurrently.tryMap(others) { name -> (digest: Digest, children: [Digest])? in
            let colon = name.lastIndex(of: ":")!
            let repo = String(name[..<colon])
            let tag = String(name[name.index(after: colon)...])
            let head: ManifestHead
            do {
                head = try await client.head(registry, repo: repo, reference: tag)
            } catch RegistryError.notFound {
                return nil  // the tag went away since it was listed: it holds nothing
            }
            guard MediaType.isIndex(head.mediaType) else { return (head.digest, []) }
            // Every manifest below the index, an index of indexes included. Anything below that
            // cannot be read fails the check: the tag still holds what it reaches.
            let graph = try await walk.graph(repo, reference: head.digest.description, reach: .indexes)
            return (head.digest, graph.descendantDigests)
        }
        for (name, found) in zip(others, reached) {
            guard let found else { continue }
            let repo = String(name[..<name.lastIndex(of: ":")!])
            plan.hold(
                registry: registry.name, repo: repo, digest: found.digest, children: found.children,
                by: "\(registry.name)/\(name)")
        }
    }
}
