/// Where reg-rm looks for other tags that still need a selected digest.
public enum RemovalScope: String, Sendable, CaseIterable {
    /// Every repository of the registry: a digest reached from another repository is kept too.
    case registry
    /// Only the selection's repositories: enough where deletion is per repository (distribution).
    case repo
}

/// The pure part of reg-rm: which selected manifests may go, and in what order.
///
/// A selected digest is kept when a tag that stays reaches it: directly, or as a
/// platform manifest of an index that tag points at. A selected tag that is kept
/// stays too, so it protects what it reaches in turn (the plan is a fixpoint).
public struct RemovalPlan: Sendable {
    /// One selected manifest, resolved.
    public struct Target: Sendable, Equatable {
        public var registry: String
        public var repo: String
        /// The selected tag; nil when the record named only a digest.
        public var tag: String?
        public var digest: Digest
        /// For an index: the digests of every manifest below it (platform manifests, and
        /// those of nested indexes).
        public var children: [Digest]

        public init(registry: String, repo: String, tag: String?, digest: Digest, children: [Digest] = []) {
            self.registry = registry
            self.repo = repo
            self.tag = tag
            self.digest = digest
            self.children = children
        }

        /// `registry/repo:tag`, as reasons name tags.
        public var tagName: String? { tag.map { "\(registry)/\(repo):\($0)" } }
    }

    /// A digest as the scope sees it: per registry, or per repository.
    public struct Key: Hashable, Sendable {
        public var registry: String
        public var repo: String
        public var digest: Digest

        public init(registry: String, repo: String, digest: Digest, scope: RemovalScope) {
            self.registry = registry
            self.repo = scope == .repo ? repo : ""
            self.digest = digest
        }
    }

    public enum Decision: Sendable, Equatable {
        case delete
        case kept(reason: String)
    }

    public let scope: RemovalScope
    /// Tags outside the selection, by the digests they reach: `registry/repo:tag`.
    public private(set) var holders: [Key: Set<String>] = [:]

    public init(scope: RemovalScope) { self.scope = scope }

    /// Records that the tag `name` (outside the selection) points at `digest`,
    /// below which are the manifests `children`.
    public mutating func hold(registry: String, repo: String, digest: Digest, children: [Digest] = [], by name: String) {
        for reached in [digest] + children {
            holders[Key(registry: registry, repo: repo, digest: reached, scope: scope), default: []].insert(name)
        }
    }

    /// One decision per target; with `force`, every target is deleted.
    public func decide(_ targets: [Target], force: Bool) -> [Decision] {
        guard !force else { return targets.map { _ in .delete } }
        var plan = self
        var decisions = [Decision](repeating: .delete, count: targets.count)
        var changed = true
        while changed {
            changed = false
            for (i, target) in targets.enumerated() where decisions[i] == .delete {
                let key = Key(registry: target.registry, repo: target.repo, digest: target.digest, scope: scope)
                guard let others = plan.holders[key]?.subtracting(target.tagName.map { [$0] } ?? []), !others.isEmpty
                else { continue }
                decisions[i] = .kept(reason: Self.reason(others))
                if let name = target.tagName {
                    plan.hold(
                        registry: target.registry, repo: target.repo, digest: target.digest, children: target.children, by: name)
                }
                changed = true
            }
        }
        return decisions
    }

    /// "still reached by TAG", naming the first tag and counting the rest.
    static func reason(_ names: Set<String>) -> String {
        let sorted = names.sorted()
        let more = sorted.count > 1 ? " and \(sorted.count - 1) more" : ""
        return "still reached by \(sorted[0])\(more); --force deletes it anyway"
    }

    /// The deletions to make, once per manifest, in phases that run one after the other: a
    /// manifest that another target lists (a platform manifest, an index inside an index)
    /// goes in a phase after that target, so no tag ever points at a half-deleted image.
    /// - Returns: for each phase, indexes into `targets` of the first target of each manifest.
    public static func deletionPhases(_ targets: [Target]) -> [[Int]] {
        var first: [Key: Int] = [:]
        var order: [Int] = []
        for (i, target) in targets.enumerated() {
            let key = Key(registry: target.registry, repo: target.repo, digest: target.digest, scope: .repo)
            if first[key] == nil {
                first[key] = i
                order.append(i)
            }
        }
        // A manifest's phase is one more than that of the deepest target listing it.
        var listers: [Key: [Int]] = [:]
        for i in order {
            for child in targets[i].children {
                let key = Key(registry: targets[i].registry, repo: targets[i].repo, digest: child, scope: .repo)
                listers[key, default: []].append(i)
            }
        }
        var phase: [Int: Int] = [:]
        func phaseOf(_ i: Int, _ depth: Int) -> Int {
            if let known = phase[i] { return known }
            let key = Key(registry: targets[i].registry, repo: targets[i].repo, digest: targets[i].digest, scope: .repo)
            // The depth guard only stops a malformed cycle; the walk bounds real nesting.
            let above = depth > ImageWalk.maxDepth ? [] : (listers[key] ?? []).filter { $0 != i }
            let value = above.map { phaseOf($0, depth + 1) + 1 }.max() ?? 0
            phase[i] = value
            return value
        }
        var phases: [[Int]] = []
        for i in order {
            let p = phaseOf(i, 0)
            while phases.count <= p { phases.append([]) }
            phases[p].append(i)
        }
        return phases
    }
}
