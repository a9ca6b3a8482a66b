/// The next `length` bytes of another body, as a body of their own: one `PATCH` of a chunked
/// upload. Reading it moves the whole body on.
public final class BodySlice: BodySource, @unchecked Sendable {
    private let whole: any BodySource
    public let length: Int64
    private var read: Int64 = 0

    public init(_ whole: any BodySource, length: Int64) {
        self.whole = whole
        self.length = length
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        let left = Int(min(Int64(buffer.count), length - read))
        guard left > 0 else { return .end }
        let answer = whole.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<left]))
        if case .bytes(let count) = answer { read += Int64(count) }
        return answer == .end ? .failed : answer
    }

    public func whenReadable(_ wake: @escaping @Sendable () -> Void) { whole.whenReadable(wake) }

    /// The bytes are gone from the whole body once read.
    public var canRewind: Bool { false }
    public func rewind() {}
    public var failure: (any Error)? { whole.failure }
}
