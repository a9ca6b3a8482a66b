import Foundation
import Synchronization
import Testing

@testable import RegKit

/// State shared between a running stream and the test watching it.
private final class Observed: Sendable {
    let emitted = Mutex<[[Int]]>([])
    let running = Atomic<Int>(0)
    let peak = Atomic<Int>(0)
    let started = Atomic<Int>(0)

    var flat: [Int] { emitted.withLock { $0.flatMap { $0 } } }
    var calls: Int { emitted.withLock { $0.count } }

    func emit(_ records: [Record]) {
        let numbers = records.map { Int($0.fields["i"]?.intValue ?? -1) }
        emitted.withLock { $0.append(numbers) }
    }

    func enter() {
        started.add(1, ordering: .relaxed)
        let now = running.add(1, ordering: .relaxed).newValue
        var peakNow = peak.load(ordering: .relaxed)
        while now > peakNow {
            let (done, original) = peak.compareExchange(expected: peakNow, desired: now, ordering: .relaxed)
            if done { break }
            peakNow = original
        }
    }

    func leave() { running.subtract(1, ordering: .relaxed) }
}

private func record(_ i: Int) -> Record { Record(["i": .int(Int64(i))]) }

private func index(_ record: Record) -> Int { Int(record.fields["i"]?.intValue ?? -1) }

/// Waits until `condition` holds, up to `seconds`; the result says whether it did.
///
/// Generous on purpose: in the full suite, the real-registry tests wait for their
/// subprocesses on the cooperative pool (two threads on two cores), so a task here
/// may get no thread for seconds. The tests check what happens, not how fast.
private func eventually(_ seconds: Double = 40, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 5_000_000)
    }
    return condition()
}

@Suite("OrderedStream", .timeLimit(.minutes(2)))
struct OrderedStreamTests {
    @Test("results come in input order although the work finishes out of order")
    func inputOrder() async {
        let observed = Observed()
        let count = 60
        await OrderedStream.run(RecordSource.records((0..<count).map(record)), window: 8) { record in
            observed.enter()
            defer { observed.leave() }
            // Later records often finish first.
            try? await Task.sleep(nanoseconds: UInt64.random(in: 0...15_000_000))
            return [record]
        } emit: {
            observed.emit($0)
        }
        #expect(observed.flat == Array(0..<count))
        #expect(observed.calls == count)
        #expect(observed.peak.load(ordering: .relaxed) > 1, "the work ran concurrently")
    }

    @Test("the first result is emitted before the input ends")
    func streams() async {
        let observed = Observed()
        let (input, feed) = AsyncStream<Record>.makeStream()
        let run = Task {
            await OrderedStream.run(input, window: 4) {
                [$0]
            } emit: {
                observed.emit($0)
            }
        }
        feed.yield(record(0))
        let early = await eventually { observed.calls >= 1 }
        #expect(early, "record 0 was not emitted while the input was still open")
        #expect(observed.flat == [0])
        feed.yield(record(1))
        let second = await eventually { observed.calls >= 2 }
        #expect(second)
        for i in 2..<10 { feed.yield(record(i)) }
        feed.finish()
        await run.value
        #expect(observed.flat == Array(0..<10))
    }

    @Test("a record can become no record or several, in place")
    func zeroOrMany() async {
        let observed = Observed()
        await OrderedStream.run(RecordSource.records((0..<12).map(record)), window: 3) { record in
            let i = index(record)
            try? await Task.sleep(nanoseconds: UInt64((12 - i) * 1_000_000))
            switch i % 3 {
            case 0: return []
            case 1: return [record]
            default: return [record, Record(["i": .int(Int64(i * 100))]), Record(["i": .int(Int64(i * 100 + 1))])]
            }
        } emit: {
            observed.emit($0)
        }
        #expect(observed.flat == [1, 2, 200, 201, 4, 5, 500, 501, 7, 8, 800, 801, 10, 11, 1100, 1101])
        #expect(observed.calls == 12, "one call per input record, empty ones included")
    }

    @Test("empty input: nothing emitted, and the run ends")
    func emptyInput() async {
        let observed = Observed()
        await OrderedStream.run(RecordSource.records([]), window: 4) {
            [$0]
        } emit: {
            observed.emit($0)
        }
        #expect(observed.calls == 0)
    }

    @Test("at most `window` records are in flight or waiting behind a slow one")
    func window() async {
        let observed = Observed()
        let release = Atomic<Bool>(false)
        let run = Task {
            await OrderedStream.run(RecordSource.records((0..<20).map(record)), window: 4) { record in
                observed.enter()
                defer { observed.leave() }
                if index(record) == 0 {
                    // The first record holds everyone up until the test lets it go.
                    while !release.load(ordering: .relaxed) { try? await Task.sleep(nanoseconds: 2_000_000) }
                }
                return [record]
            } emit: {
                observed.emit($0)
            }
        }
        let filled = await eventually { observed.started.load(ordering: .relaxed) >= 4 }
        #expect(filled)
        try? await Task.sleep(nanoseconds: 100_000_000)
        #expect(observed.started.load(ordering: .relaxed) == 4, "no fifth record starts while the first is pending")
        #expect(observed.calls == 0, "nothing overtakes record 0")
        release.store(true, ordering: .relaxed)
        await run.value
        #expect(observed.flat == Array(0..<20))
        #expect(observed.peak.load(ordering: .relaxed) <= 4)
    }
}
