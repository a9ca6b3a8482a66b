/// Passes a body on to another sink (or nowhere) while hashing it, so content is
/// checked against its digest without being held in memory.
public final class DigestingSink: BodySink, @unchecked Sendable {
    private let hasher = SHA256()
    private let next: (any BodySink)?
    public private(set) var count: Int64 = 0

    public init(next: (any BodySink)? = nil) { self.next = next }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        hasher.update(bytes)
        count += Int64(bytes.count)
        return next?.write(bytes) ?? true
    }

    public func reset() {
        _ = hasher.finish()
        count = 0
        next?.reset()
    }

    /// The digest of everything written since the last reset.
    public func finish() -> Digest {
        hasher.finish()
    }
}
