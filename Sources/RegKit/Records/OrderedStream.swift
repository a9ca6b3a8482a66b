/// Runs a transformation over records concurrently and hands the results on in
/// input order, as soon as each one's predecessors are done.
///
/// Output starts before the input ends (streaming), and at most `window` records
/// are in flight or waiting for a slower predecessor, which bounds memory.
public enum OrderedStream {
    private enum Event: Sendable {
        case done(Int, [Record])
        case end(Int)
    }

    /// - Parameters:
    ///   - input: the records, in order.
    ///   - window: how many records may be in flight at once.
    ///   - transform: the work for one record; its results replace the record.
    ///   - emit: called in input order with each record's results.
    public static func run<Input: AsyncSequence & Sendable>(
        _ input: Input, window: Int, transform: @escaping @Sendable (Record) async -> [Record], emit: ([Record]) -> Void
    ) async where Input.Element == Record {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let slots = AsyncLimiter(window)
        let producer = Task {
            var count = 0
            do {
                for try await record in input {
                    await slots.acquire()
                    let index = count
                    count += 1
                    Task { continuation.yield(.done(index, await transform(record))) }
                }
            } catch {
                // Input sequences here do not throw; a throwing one ends the input.
            }
            continuation.yield(.end(count))
        }
        var waiting: [Int: [Record]] = [:]
        var next = 0
        var total: Int?
        for await event in events {
            switch event {
            case .done(let index, let records): waiting[index] = records
            case .end(let count): total = count
            }
            while let records = waiting.removeValue(forKey: next) {
                emit(records)
                next += 1
                await slots.release()
            }
            if let total, next == total { break }
        }
        continuation.finish()
        await producer.value
    }
}
