import Testing

@testable import RegKit

@Suite("RemovalPlan: what reg-rm may delete")
struct RemovalPlanTests {
    static let r = "127.0.0.1:5000"
    static let (a, b, index, child1, child2) = (
        digest("a"), digest("b"), digest("1"), digest("2"), digest("3")
    )

    static func digest(_ hex: Character) -> Digest { Digest("sha256:" + String(repeating: hex, count: 64))! }

    static func target(_ repo: String, _ tag: String?, _ digest: Digest, children: [Digest] = []) -> RemovalPlan.Target {
        RemovalPlan.Target(registry: r, repo: repo, tag: tag, digest: digest, children: children)
    }

    @Test("a digest no other tag reaches is deleted")
    func alone() {
        let plan = RemovalPlan(scope: .registry)
        #expect(plan.decide([Self.target("app", "1.0", Self.a)], force: false) == [.delete])
    }

    @Test("a digest another tag of the repository reaches is kept, naming the tag; --force deletes it")
    func sharedInRepository() {
        var plan = RemovalPlan(scope: .registry)
        plan.hold(registry: Self.r, repo: "app", digest: Self.a, by: "\(Self.r)/app:latest")
        let targets = [Self.target("app", "1.0", Self.a)]
        guard case .kept(let reason) = plan.decide(targets, force: false)[0] else {
            Issue.record("not kept")
            return
        }
        #expect(reason.contains("\(Self.r)/app:latest"))
        #expect(plan.decide(targets, force: true) == [.delete])
    }

    @Test("a digest another repository reaches: kept at registry scope, deleted at repository scope")
    func sharedAcrossRepositories() {
        for (scope, expected) in [(RemovalScope.registry, false), (.repo, true)] {
            var plan = RemovalPlan(scope: scope)
            plan.hold(registry: Self.r, repo: "other", digest: Self.a, by: "\(Self.r)/other:1.0")
            #expect((plan.decide([Self.target("app", "1.0", Self.a)], force: false) == [.delete]) == expected)
        }
    }

    @Test("the same digest on another registry does not count")
    func otherRegistry() {
        var plan = RemovalPlan(scope: .registry)
        plan.hold(registry: "mirror.example", repo: "app", digest: Self.a, by: "mirror.example/app:1.0")
        #expect(plan.decide([Self.target("app", "1.0", Self.a)], force: false) == [.delete])
    }

    @Test("a platform manifest of an index that an unselected tag points at is kept")
    func childOfHeldIndex() {
        var plan = RemovalPlan(scope: .registry)
        plan.hold(
            registry: Self.r, repo: "app", digest: Self.index, children: [Self.child1, Self.child2], by: "\(Self.r)/app:multi")
        let decisions = plan.decide(
            [Self.target("app", "1.0-amd64", Self.child1), Self.target("app", nil, Self.child2)], force: false)
        #expect(decisions.allSatisfy { if case .kept = $0 { true } else { false } })
    }

    @Test("a kept tag protects what it reaches in turn")
    func keptTagHolds() {
        var plan = RemovalPlan(scope: .registry)
        plan.hold(registry: Self.r, repo: "app", digest: Self.index, by: "\(Self.r)/app:stable")
        let targets = [
            Self.target("app", "2.0", Self.index, children: [Self.child1]),
            Self.target("app", "2.0-amd64", Self.child1),
        ]
        let decisions = plan.decide(targets, force: false)
        guard case .kept = decisions[0], case .kept(let reason) = decisions[1] else {
            Issue.record("expected both kept: \(decisions)")
            return
        }
        #expect(reason.contains("app:2.0"))
    }

    @Test("two selected tags on one digest are both deleted, and the manifest once")
    func bothSelected() {
        let plan = RemovalPlan(scope: .registry)
        let targets = [Self.target("app", "1.0", Self.a), Self.target("app", "latest", Self.a), Self.target("app", nil, Self.a)]
        let decisions = plan.decide(targets, force: false)
        #expect(decisions == [.delete, .delete, .delete])
        #expect(RemovalPlan.deletionPhases(targets) == [[0]])
    }

    @Test("indexes are deleted in a phase before the manifests they list; unrelated ones at once")
    func order() {
        let targets = [
            Self.target("app", "amd64", Self.child1),
            Self.target("app", "other", Self.b),
            Self.target("app", "multi", Self.index, children: [Self.child1]),
            Self.target("app", "multi-again", Self.index, children: [Self.child1]),
        ]
        #expect(RemovalPlan.deletionPhases(targets) == [[1, 2], [0]])
    }

    @Test("an index of indexes: the outer index first, then the inner one, then the image")
    func nestedOrder() {
        let targets = [
            Self.target("app", "image", Self.child1),
            Self.target("app", "inner", Self.index, children: [Self.child1]),
            Self.target("app", "outer", Self.a, children: [Self.index, Self.child1]),
        ]
        #expect(RemovalPlan.deletionPhases(targets) == [[2], [1], [0]])
    }

    @Test("a tag held outside the selection protects manifests nested two indexes deep")
    func nestedHold() {
        var plan = RemovalPlan(scope: .registry)
        plan.hold(registry: Self.r, repo: "app", digest: Self.a, children: [Self.index, Self.child1], by: "\(Self.r)/app:outer")
        let decisions = plan.decide([Self.target("app", "image", Self.child1)], force: false)
        guard case .kept(let reason) = decisions[0] else {
            Issue.record("not kept: \(decisions)")
            return
        }
        #expect(reason.contains("app:outer"))
    }

    @Test("the reason names the first tag and counts the others")
    func reason() {
        #expect(RemovalPlan.reason(["r/b:2", "r/a:1", "r/c:3"]).hasPrefix("still reached by r/a:1 and 2 more"))
    }
}
