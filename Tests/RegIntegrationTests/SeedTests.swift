import Foundation
import Testing

/// reg-seed's targets and the content it derives, against a real registry.
@Suite("reg-seed against a real registry")
struct SeedTests {
    static func digest(_ records: [[String: Any]]) -> String? { records.first?["digest"] as? String }

    @Test("a digest target is refused with a sentence saying why; nothing is pushed to :latest")
    func digestTarget() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let target = "\(server.registry)/team/app@sha256:" + String(repeating: "ab", count: 32)
        let result = try reg("reg-seed", [target])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("a digest cannot be pushed to: it is what the content hashes to"), "\(result)")
        #expect(result.stderr.contains("REGISTRY/REPO:TAG"))
        let catalog = try curl(["\(server.baseURL)/v2/_catalog"])
        #expect(catalog.stdout.contains(#""repositories":[]"#), "nothing pushed: \(catalog.stdout)")
    }

    @Test("one salt, two targets: two images; salt and target both count, and one image equals its --repos twin")
    func saltWithTarget() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let a = Self.digest(try InventoryTests.seed(server, ["\(server.registry)/team/a:1.0.0", "--salt", "s"]))
        let b = Self.digest(try InventoryTests.seed(server, ["\(server.registry)/team/b:1.0.0", "--salt", "s"]))
        let other = Self.digest(try InventoryTests.seed(server, ["\(server.registry)/team/c:1.0.0", "--salt", "t"]))
        let unsalted = Self.digest(try InventoryTests.seed(server, ["\(server.registry)/team/c:1.0.0"]))
        #expect(a != nil && b != nil)
        #expect(a != b, "the same salt gave two targets the same image")
        #expect(Set([a, other, unsalted]).count == 3)
        // The same repository and tag seeded by --repos/--tags is the same image.
        let twin = try InventoryTests.seed(server, [server.registry, "--prefix", "team/c", "--tags", "1"])
        #expect(Self.digest(twin) == unsalted)
    }
}
