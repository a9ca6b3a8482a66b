/// Passes a body on to another sink (or nowhere) while hashing it, so content is
/// checked against its digest without being held in memory.
public final class DigestingSink: BodySink, @unchecked Sendable {
    private let hasher = SHA256()
    private let next: (any BodySink)?
    public private(set) var count: Int64 = 0

    public init(next: (any BodySink)? = nil) { self.next = next }

    public func begin(status: Int, headers: [(name: String, value: String)]) -> Bool {
        next?.begin(status: status, headers: headers) ?? true
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> BodyWrite {
        // A piece the next sink has no room for comes again: hash it only once it is taken.
        let answer = next?.write(bytes) ?? .accepted
        if answer == .accepted {
            hasher.update(bytes)
            count += Int64(bytes.count)
        }
        return answer
    }

    public func whenWritable(_ wake: @escaping @Sendable () -> Void) {
        if let next { next.whenWritable(wake) } else { wake() }
    }

    public var canReset: Bool { next?.canReset ?? true }

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
