/// Runs work over a whole collection at once and gives the results in its order.
/// The work bounds itself: requests go through the client's `--jobs` limiter.
enum Concurrently {
    static func map<Item: Sendable, Result: Sendable>(_ items: [Item], _ work: @escaping @Sendable (Item) async -> Result)
        async -> [Result]
    {
        await withTaskGroup(of: (Int, Result).self) { group in
            for (i, item) in items.enumerated() { group.addTask { (i, await work(item)) } }
            var results = [Result?](repeating: nil, count: items.count)
            for await (i, result) in group { results[i] = result }
            return results.map { $0! }
        }
    }

    /// As ``map(_:_:)``; the first error cancels the rest and is thrown.
    static func tryMap<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ work: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            for (i, item) in items.enumerated() { group.addTask { (i, try await work(item)) } }
            var results = [Result?](repeating: nil, count: items.count)
            for try await (i, result) in group { results[i] = result }
            return results.map { $0! }
        }
    }
}
