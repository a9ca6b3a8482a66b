/// Runs work over a whole collection at once and gives the results in its order.
/// The work bounds itself: requests go through the client's `--jobs` limiter.
enum Concurrently {
    static func map<Item: Sendable, Result: Sendable>(_ items: [Item], _ work: @escaping @Sendable (Item) async -> Result)
        async -> [Result]
    {
        await map(items, width: items.count, work)
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

    /// As ``map(_:_:)``, with at most `width` items in work at once: an item not yet started
    /// can still be skipped (after an interruption, say) by the work itself.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], width: Int, _ work: @escaping @Sendable (Item) async -> Result
    ) async -> [Result] {
        await withTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: items.count)
            var next = 0
            while next < items.count && next < max(width, 1) {
                let (i, item) = (next, items[next])
                group.addTask { (i, await work(item)) }
                next += 1
            }
            while let (i, result) = await group.next() {
                results[i] = result
                if next < items.count {
                    let (j, item) = (next, items[next])
                    group.addTask { (j, await work(item)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
