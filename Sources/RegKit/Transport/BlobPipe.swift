public import Foundation
import Synchronization

/// A bounded pipe from a download to an upload: the GET writes into it as its sink, the PUT
/// reads from it as its body, and memory stays under the high watermark (plus one piece)
/// whatever the blob's size.
///
/// Above `high` bytes buffered the sink answers ``BodyWrite/full`` and the download pauses;
/// it is woken once the upload has drained the buffer to `low`. An empty buffer pauses the
/// upload until the download brings more. The last byte is held back until the producer
/// calls ``finish()`` (the download was complete and matched its digest), so an upload can
/// never complete with content that was not checked. Either side can stop the other:
/// ``fail(_:)`` aborts the upload, ``cancel()`` refuses the download's next piece.
public final class BlobPipe: BodySink, BodySource, @unchecked Sendable {
    public let length: Int64
    private let high: Int
    private let low: Int

    private struct State {
        var buffer: [UInt8] = []
        /// Where unread bytes start in `buffer`.
        var head = 0
        var read: Int64 = 0
        var opened = false
        var finished = false
        var failure: (any Error)?
        var openWaiters: [CheckedContinuation<Void, any Error>] = []
        var wakeWriter: (@Sendable () -> Void)?
        var wakeReader: (@Sendable () -> Void)?
        var producer: Task<Void, Never>?
        var peak = 0

        var buffered: Int { buffer.count - head }

        /// Bytes the upload may read now: all buffered, but the blob's last byte only once the
        /// download is checked.
        func readable(of length: Int64) -> Int {
            !finished && read + Int64(buffered) >= length ? buffered - 1 : buffered
        }
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - length: the blob's size, from its descriptor.
    ///   - high: bytes buffered at most before the download pauses.
    ///   - low: bytes buffered at most before a paused download continues.
    public init(length: Int64, high: Int = 4 << 20, low: Int = 1 << 20) {
        self.length = length
        self.high = high
        self.low = min(low, high)
    }

    // MARK: - The download's side

    public func begin(status: Int, headers: [(name: String, value: String)]) -> Bool {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard state.failure == nil else { return [] }
            state.opened = true
            defer { state.openWaiters.removeAll() }
            return state.openWaiters
        }
        for waiter in waiters { waiter.resume() }
        return true
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> BodyWrite {
        let (answer, wake) = state.withLock { state -> (BodyWrite, (@Sendable () -> Void)?) in
            if state.failure != nil { return (.refused, nil) }
            if state.buffered >= high { return (.full, nil) }
            if state.head > 0 && state.head >= state.buffer.count / 2 {
                state.buffer.removeFirst(state.head)
                state.head = 0
            }
            state.buffer.append(contentsOf: bytes)
            state.peak = max(state.peak, state.buffered)
            defer { state.wakeReader = nil }
            return (.accepted, state.wakeReader)
        }
        wake?()
        return answer
    }

    public func whenWritable(_ wake: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.failure != nil || state.buffered <= low { return true }
            state.wakeWriter = wake
            return false
        }
        if now { wake() }
    }

    /// Bytes already passed on: the pipe cannot take the body again.
    public var canReset: Bool { false }
    public func reset() {}

    /// The download is complete and checked: the upload may read its last byte.
    public func finish() {
        settle { $0.finished = true }
    }

    /// The download failed for good: the upload aborts, and ``opened()`` throws `error`.
    public func fail(_ error: any Error) {
        settle { if $0.failure == nil { $0.failure = error } }
    }

    // MARK: - The upload's side

    /// Waits until the download answered 2xx (its body may start), so the upload starts only
    /// when there is something to send.
    /// - Throws: the download's error when it failed first.
    public func opened() async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let result = state.withLock { state -> Result<Void, any Error>? in
                if let failure = state.failure { return .failure(failure) }
                if state.opened || state.finished { return .success(()) }
                state.openWaiters.append(waiter)
                return nil
            }
            if let result { waiter.resume(with: result) }
        }
    }

    public func read(into target: UnsafeMutableRawBufferPointer) -> BodyRead {
        let (answer, wake) = state.withLock { state -> (BodyRead, (@Sendable () -> Void)?) in
            let available = state.readable(of: length)
            if available > 0 {
                let count = min(available, target.count)
                state.buffer.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[state.head..<(state.head + count)]))
                }
                state.head += count
                state.read += Int64(count)
                var wake: (@Sendable () -> Void)?
                if state.buffered <= low {
                    wake = state.wakeWriter
                    state.wakeWriter = nil
                }
                return (.bytes(count), wake)
            }
            if state.failure != nil { return (.failed, nil) }
            if state.finished && state.buffered == 0 { return (.end, nil) }
            return (.wait, nil)
        }
        wake?()
        return answer
    }

    public func whenReadable(_ wake: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.readable(of: length) > 0 || state.failure != nil || state.finished { return true }
            state.wakeReader = wake
            return false
        }
        if now { wake() }
    }

    /// Streams from elsewhere: gone once read.
    public var canRewind: Bool { false }
    public func rewind() {}

    /// The upload gave up: the download's task is cancelled, and its next piece refused.
    public func cancel() {
        fail(CancellationError())
        state.withLock { $0.producer }?.cancel()
    }

    /// Ties the task that runs the download to the pipe, so ``cancel()`` stops it.
    public func attach(producer: Task<Void, Never>) {
        state.withLock { $0.producer = producer }
    }

    /// The most bytes the pipe held at once: its memory, for tests and benchmarks.
    public var peakBuffered: Int { state.withLock { $0.peak } }

    /// Why the pipe stopped early, if it did.
    public var failure: (any Error)? { state.withLock { $0.failure } }

    /// Changes the state and wakes every side that waits, since what it waited for may have come.
    private func settle(_ change: (inout State) -> Void) {
        let (waiters, failure, wakes) = state.withLock {
            state -> ([CheckedContinuation<Void, any Error>], (any Error)?, [@Sendable () -> Void]) in
            change(&state)
            let waiters = state.openWaiters
            state.openWaiters.removeAll()
            let wakes = [state.wakeReader, state.wakeWriter].compactMap { $0 }
            state.wakeReader = nil
            state.wakeWriter = nil
            return (waiters, state.failure, wakes)
        }
        for waiter in waiters {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
        }
        for wake in wakes { wake() }
    }
}
