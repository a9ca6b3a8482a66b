/// Requests in flight per host (`--jobs` for each registry), shared by every client of the
/// process.
///
/// A request takes one slot on its host. A blob pipe takes a slot on its source and one on
/// its target together, or none: taken one at a time, N pipes could hold every source slot as
/// downloads waiting for uploads that can never start (regclient met this deadlock). What a
/// task holds is in ``held``; requests inside it do not take a second slot for those hosts.
public actor HostSlots {
    /// One host's claim: its name and how many slots it has.
    public struct Claim: Sendable, Hashable {
        public var host: String
        public var limit: Int

        public init(host: String, limit: Int) {
            self.host = host
            self.limit = max(limit, 1)
        }
    }

    /// The slots of this process.
    public static let shared = HostSlots()

    /// Hosts whose slot the current task (and the tasks it starts) already holds.
    public static var held: Set<String> { Set(holding.map(\.host)) }

    /// The claims the current task holds.
    @TaskLocal private static var holding: Set<Claim> = []

    private var busy: [String: Int] = [:]
    private var waiting: [(claims: [Claim], continuation: CheckedContinuation<Void, Never>)] = []

    /// Runs `body` holding a slot on each host of `claims` not held already, taken all at once.
    public static func run<T: Sendable>(_ claims: [Claim], _ body: () async throws -> T) async throws -> T {
        var seen: Set<String> = []
        let needed = claims.filter { !held.contains($0.host) && seen.insert($0.host).inserted }
        guard !needed.isEmpty else { return try await body() }
        await shared.acquire(needed)
        do {
            let result = try await $holding.withValue(holding.union(needed)) { try await body() }
            await shared.release(needed)
            return result
        } catch {
            await shared.release(needed)
            throw error
        }
    }

    /// Sleeps `seconds` (a pause before another try) without the slots the current task
    /// holds: they go back for the pause and are taken again, all at once, after it. A
    /// restarted pipe or a resumed download then does not keep other transfers waiting. While a
    /// pipe's download pauses to resume, its upload stays open but moves nothing (curl has it
    /// paused for want of bytes): for that pause the host may see one more open request than
    /// `--jobs`, none of them sending.
    public static func pause(seconds: Double) async throws {
        let mine = Array(holding)
        guard !mine.isEmpty else { return try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
        await shared.release(mine)
        do {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        } catch {
            // Taken again even when cancelled: the ``run(_:_:)`` that took them gives them back.
            await shared.acquire(mine)
            throw error
        }
        await shared.acquire(mine)
    }

    private func fits(_ claims: [Claim]) -> Bool {
        claims.allSatisfy { busy[$0.host, default: 0] < $0.limit }
    }

    private func take(_ claims: [Claim]) {
        for claim in claims { busy[claim.host, default: 0] += 1 }
    }

    func acquire(_ claims: [Claim]) async {
        if waiting.isEmpty && fits(claims) {
            take(claims)
            return
        }
        await withCheckedContinuation { waiting.append((claims, $0)) }
    }

    func release(_ claims: [Claim]) {
        for claim in claims { busy[claim.host, default: 1] -= 1 }
        // In order, each waiter that fits now; one that needs a busy host does not block a
        // later one that needs only free hosts.
        var index = 0
        while index < waiting.count {
            if fits(waiting[index].claims) {
                let waiter = waiting.remove(at: index)
                take(waiter.claims)
                waiter.continuation.resume()
            } else {
                index += 1
            }
        }
    }
}
