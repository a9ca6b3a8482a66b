/// `work`'s result, or nil when it gives none within `seconds`: it is cancelled then (which
/// stops its transfers, or tears down the process it runs). Its errors are thrown as they come.
func withinTimeLimit<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            return nil
        }
        // The first to finish decides; the other is cancelled.
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
