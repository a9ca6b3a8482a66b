import Foundation
import Testing

/// Standard output that cannot be written: records were lost, so the answer is trouble (2), never 0.
@Suite("Write errors on standard output")
struct WriteErrorTests {
    /// `reg-diff` with its records going to `/dev/full`: the replicas differ, and a cron job must not hear "identical".
    @Test("reg-ls | reg-diff > /dev/full on replicas that differ: status 2, one line naming standard output")
    func diffToFullDevice() async throws {
        async let a = RegistryServer.start()
        async let b = RegistryServer.start()
        let (primary, replica) = try await (a, b)
        defer { [primary, replica].forEach { $0.stop() } }
        try InventoryTests.seed(primary, ["\(primary.registry)/team/app:1.0"])
        let result = try shell(
            "\(toolPath("reg-ls")) \(primary.registry) | \(toolPath("reg-diff")) \(replica.registry) > /dev/full")
        #expect(result.status == 2, "\(result)")
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 1, "\(result)")
        #expect(errors.first?.hasPrefix("reg-diff: error: cannot write standard output: No space left on device") == true)
    }

    @Test("reg-ls > /dev/full: status 2 (a closed pipe stays quiet: InventoryTests.closedPipe)")
    func listingToFullDevice() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        try InventoryTests.seed(server, ["\(server.registry)/team/app:1.0"])
        let full = try shell("\(toolPath("reg-ls")) \(server.registry) > /dev/full")
        #expect(full.status == 2, "\(full)")
        #expect(full.stderr.contains("reg-ls: error: cannot write standard output: No space left on device"))
    }

    @Test("reg-select > /dev/full (no network): status 2")
    func selectToFullDevice() throws {
        let result = try shell(
            "\(toolPath("reg-select")) --tag 1 > /dev/full", stdin: #"{"registry":"r.example","repo":"a","tag":"1"}"# + "\n")
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("reg-select: error: cannot write standard output"))
    }
}
