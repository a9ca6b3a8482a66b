import Synchronization

/// Records decided out of order, written in input order: each as soon as it and every record
/// before it are decided, so a run cut short has written all it finished up to that point.
final class OrderedOutcomes: Sendable {
    private struct State {
        var records: [Record?]
        var next = 0
    }

    private let state: Mutex<State>
    private let context: ToolContext

    init(count: Int, context: ToolContext) {
        state = Mutex(State(records: Array(repeating: nil, count: count)))
        self.context = context
    }

    /// Records the outcome of input record `index`, and writes what is now decided in order.
    func settle(_ index: Int, _ record: Record) {
        state.withLock { state in
            state.records[index] = record
            var ready: [Record] = []
            while state.next < state.records.count, let decided = state.records[state.next] {
                ready.append(decided)
                state.next += 1
            }
            if !ready.isEmpty { context.emit(ready) }
        }
    }

    /// Every outcome decided so far, in input order.
    var records: [Record] { state.withLock { $0.records.compactMap { $0 } } }
}
