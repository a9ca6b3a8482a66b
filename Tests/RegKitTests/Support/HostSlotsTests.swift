import Foundation
import Synchronization
import Testing

@testable import RegKit

/// Request slots per host: a pair taken at once, and retry pauses that hold none.
@Suite("HostSlots", .timeLimit(.minutes(1)))
struct HostSlotsTests {
    /// A host name of this test alone: the slots are the process's, shared with other tests.
    static func host() -> String { "slots-\(UUID().uuidString).example" }

    static func claim(_ host: String) -> HostSlots.Claim { HostSlots.Claim(host: host, limit: 1) }

    @Test("a pair waits until both hosts have a slot, and takes neither before; a request on a free host goes on meanwhile")
    func pairs() async throws {
        let (a, b, c) = (Self.host(), Self.host(), Self.host())
        let events = EventLog()
        let releaseB = AsyncStream<Void>.makeStream()
        // b is busy until the test lets go of it.
        let holder = Task {
            try await HostSlots.run([Self.claim(b)]) {
                events.add("b held")
                for await _ in releaseB.stream { break }
            }
        }
        while events.all.isEmpty { try await Task.sleep(nanoseconds: 5_000_000) }
        let pair = Task {
            try await HostSlots.run([Self.claim(a), Self.claim(b)]) { events.add("pair") }
        }
        try await Task.sleep(nanoseconds: 100_000_000)
        // a is free while the pair waits: the pair did not take it alone.
        try await HostSlots.run([Self.claim(a)]) { events.add("a alone") }
        try await HostSlots.run([Self.claim(c)]) { events.add("c") }
        releaseB.continuation.yield()
        try await holder.value
        try await pair.value
        #expect(events.all == ["b held", "a alone", "c", "pair"])
    }

    @Test("a slot held by the task is not taken again by the requests inside it")
    func held() async throws {
        let host = Self.host()
        let claim = HostSlots.Claim(host: host, limit: 1)
        let inner = try await HostSlots.run([claim]) {
            try await HostSlots.run([claim]) { HostSlots.held }
        }
        #expect(inner.contains(host))
    }

    @Test("a pause inside held slots (a pipe starting over) gives them back: with one slot, another goes in between")
    func pauseGivesBack() async throws {
        let claim = HostSlots.Claim(host: Self.host(), limit: 1)
        let events = EventLog()
        let paused = Task {
            try await HostSlots.run([claim]) {
                events.add("pipe")
                try await HostSlots.pause(seconds: 1)
                #expect(HostSlots.held.contains(claim.host), "taken again after the pause")
                events.add("pipe again")
            }
        }
        while events.all.isEmpty { try await Task.sleep(nanoseconds: 5_000_000) }
        try await HostSlots.run([claim]) { events.add("other") }
        try await paused.value
        #expect(events.all == ["pipe", "other", "pipe again"])
    }

    @Test("the pause before a retry holds no slot: with --jobs 1 another request goes in between")
    func retryPause() async throws {
        let server = try ScriptedServer { request in
            if request.path == "/v2/a/tags/list" && request.index == 0 {
                return .status(503, headers: [("Retry-After", "1")])
            }
            return .json(#"{"name":"x","tags":["1"]}"#)
        }
        defer { server.stop() }
        let client = RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: 1, baseDelay: 0.01), jobs: 1),
            credentials: CredentialStore(explicit: nil, environment: [:]))
        let registry = try RegistryAddress(server.origin)
        let retried = Task { try await client.tags(registry, repo: "a") { _ in } }
        while server.requests.isEmpty { try await Task.sleep(nanoseconds: 5_000_000) }
        try await client.tags(registry, repo: "b") { _ in }
        try await retried.value
        #expect(server.requests.map(\.path) == ["/v2/a/tags/list", "/v2/b/tags/list", "/v2/a/tags/list"])
    }
}

/// Lines in the order they were added, from any task.
private final class EventLog: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func add(_ line: String) { lines.withLock { $0.append(line) } }
}
