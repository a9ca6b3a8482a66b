public import Foundation

/// A request body the transport reads in pieces as it sends them.
///
/// A source that holds its bytes (memory, a file) answers every read at once and can start
/// again for a retry. A source fed by another transfer (``BlobPipe``) may have nothing yet:
/// it answers ``BodyRead/wait``, the transfer pauses without holding a thread, and the
/// source calls the waker it was given once there is more.
public protocol BodySource: AnyObject, Sendable {
    /// The total length in bytes, sent as `Content-Length`.
    var length: Int64 { get }

    /// Copies up to `buffer.count` bytes into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> BodyRead

    /// After ``BodyRead/wait``: calls `wake` once a read would not wait (at once if that is
    /// already so). `wake` may be called from any thread.
    func whenReadable(_ wake: @escaping @Sendable () -> Void)

    /// True when the body can be sent again from its first byte (a retry); false for a body
    /// that streams from elsewhere and is gone once read.
    var canRewind: Bool { get }

    /// Starts again from the first byte.
    func rewind()

    /// Waits until the body can start: a pipe's download answered 2xx. Sources that hold their
    /// bytes are ready at once.
    /// - Throws: why the body will never come (the download failed).
    func opened() async throws

    /// Why the body stopped before its end, if it did: the error to report instead of the
    /// aborted upload's.
    var failure: (any Error)? { get }

    /// The upload gave up on this body: stop whatever feeds it.
    func cancel()
}

/// What a read of a ``BodySource`` gave.
public enum BodyRead: Sendable, Equatable {
    /// This many bytes (more than 0) were copied.
    case bytes(Int)
    /// Every byte was read.
    case end
    /// Nothing yet: pause the transfer until the source wakes it.
    case wait
    /// The body cannot be completed (its own source failed): abort the transfer.
    case failed
}

extension BodySource {
    public func whenReadable(_ wake: @escaping @Sendable () -> Void) { wake() }
    public var canRewind: Bool { true }
    public func opened() async throws {}
    public var failure: (any Error)? { nil }
    public func cancel() {}
}

extension BodySource {
    /// Moves the whole body into `sink` in pieces of at most `piece` bytes, waiting while the
    /// source is empty or the sink full: how a target that is not a transfer (a folder, memory)
    /// takes a body that may be a pipe.
    /// - Returns: false when the source failed or the sink refused a piece.
    public func pump(into sink: any BodySink, piece: Int = 64 << 10) async -> Bool {
        var buffer = [UInt8](repeating: 0, count: piece)
        while true {
            switch buffer.withUnsafeMutableBytes({ read(into: $0) }) {
            case .bytes(let count):
                let taken = await sink.writeAll(Data(buffer[..<count]))
                guard taken else { return false }
            case .end:
                return true
            case .wait:
                await withCheckedContinuation { (more: CheckedContinuation<Void, Never>) in
                    whenReadable { more.resume() }
                }
            case .failed:
                return false
            }
        }
    }
}
