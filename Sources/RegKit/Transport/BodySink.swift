public import Foundation

/// Where a successful (2xx) response body goes, piece by piece, as it arrives.
///
/// A sink that cannot take a piece now (``BlobPipe`` above its high watermark) answers
/// ``BodyWrite/full``: the transfer pauses and the same piece comes again after the sink
/// calls the waker it was given.
public protocol BodySink: AnyObject, Sendable {
    /// The response is 2xx and its body starts: called once per response, before the first
    /// piece (or at the end, for an empty body). False refuses the response, which aborts it.
    func begin(status: Int, headers: [(name: String, value: String)]) -> Bool

    /// Takes the next piece whole, or none of it.
    func write(_ bytes: UnsafeRawBufferPointer) -> BodyWrite

    /// After ``BodyWrite/full``: calls `wake` once there is room (at once if there is
    /// already). `wake` may be called from any thread.
    func whenWritable(_ wake: @escaping @Sendable () -> Void)

    /// True when the sink can forget what it took and take the body again (a retry); false
    /// for a sink that passed it on already.
    var canReset: Bool { get }

    /// Forgets everything written (before a retry).
    func reset()
}

/// What a sink answered to a piece of body.
public enum BodyWrite: Sendable, Equatable {
    /// The piece was taken.
    case accepted
    /// No room now: pause the transfer and offer the same piece again once the sink wakes it.
    case full
    /// Never: abort the transfer.
    case refused
}

extension BodySink {
    public func begin(status: Int, headers: [(name: String, value: String)]) -> Bool { true }
    public func whenWritable(_ wake: @escaping @Sendable () -> Void) { wake() }
    public var canReset: Bool { true }
}

extension BodySink {
    /// Writes bytes held in memory, in pieces, waiting whenever the sink is full: how a source
    /// that is not a transfer (generated images, files) feeds a sink.
    /// - Returns: false when the sink refused the bytes.
    public func writeAll(_ data: Data) async -> Bool {
        let piece = 64 << 10
        var offset = data.startIndex
        while offset < data.endIndex {
            let end = min(offset + piece, data.endIndex)
            switch data[offset..<end].withUnsafeBytes({ write($0) }) {
            case .accepted:
                offset = end
            case .full:
                await withCheckedContinuation { (room: CheckedContinuation<Void, Never>) in
                    whenWritable { room.resume() }
                }
            case .refused:
                return false
            }
        }
        return true
    }
}
