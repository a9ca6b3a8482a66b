/// The sink of a blob download: checks the bytes against the blob's digest and size as they
/// pass to the next sink, and lets the download resume after a broken connection.
///
/// The bytes passed on stay passed on. A download that broke after `delivered` bytes asks again
/// with `Range: bytes=delivered-`; a `206` must start there, and a `200` (a registry that
/// ignores `Range`) has its first `delivered` bytes dropped. Either way the next sink sees each
/// byte once, in order, and the digest covers the whole blob.
final class BlobFeed: BodySink, @unchecked Sendable {
    let digest: Digest
    /// From the descriptor, when the caller has one.
    let size: Int64?
    private let next: (any BodySink)?
    private let what: String
    private let hasher = SHA256()
    /// Bytes passed on so far.
    private(set) var delivered: Int64 = 0
    /// Bytes of the current response to drop: those passed on before it.
    private var skip: Int64 = 0
    /// Why the feed refused the response, for the error the caller throws.
    private(set) var refusal: RegistryError?

    init(digest: Digest, size: Int64?, what: String, next: (any BodySink)?) {
        self.digest = digest
        self.size = size
        self.what = what
        self.next = next
    }

    /// The header asking for the rest, once some bytes arrived.
    var range: String? { delivered > 0 ? "bytes=\(delivered)-" : nil }

    func begin(status: Int, headers: [(name: String, value: String)]) -> Bool {
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        // A length of encoded bytes says nothing of the blob's.
        let length = header("content-encoding") == nil ? header("content-length").flatMap { Int64($0) } : nil
        var expected = size
        if status == 206 {
            // "bytes START-END/TOTAL"
            let start = header("content-range").flatMap { value -> Int64? in
                guard value.lowercased().hasPrefix("bytes ") else { return nil }
                return Int64(value.dropFirst(6).prefix { $0 != "-" })
            }
            guard start == delivered else {
                return refuse(
                    "asked for the rest from byte \(delivered), the registry answered \(header("content-range") ?? "no Content-Range")"
                )
            }
            skip = 0
            expected = size.map { $0 - delivered }
        } else {
            skip = delivered
        }
        if let expected, let length, length != expected {
            return refuse("the registry sends \(length) bytes, the descriptor says \(expected)")
        }
        return next?.begin(status: status, headers: headers) ?? true
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> BodyWrite {
        let dropped = Int(min(skip, Int64(bytes.count)))
        let rest = UnsafeRawBufferPointer(rebasing: bytes[dropped...])
        if let size, delivered + Int64(rest.count) > size {
            _ = refuse("more than the \(size) bytes its descriptor says")
            return .refused
        }
        let answer = rest.isEmpty ? .accepted : next?.write(rest) ?? .accepted
        if answer == .accepted {
            skip -= Int64(dropped)
            hasher.update(rest)
            delivered += Int64(rest.count)
        }
        return answer
    }

    func whenWritable(_ wake: @escaping @Sendable () -> Void) {
        if let next { next.whenWritable(wake) } else { wake() }
    }

    /// Only while nothing was passed on; after that, the download resumes instead.
    var canReset: Bool { delivered == 0 && (next?.canReset ?? true) }

    func reset() {
        guard delivered == 0 else { return }
        skip = 0
        next?.reset()
    }

    /// Checks the whole blob.
    /// - Returns: its size.
    /// - Throws: ``RegistryError/digestMismatch(what:expected:actual:)`` when the bytes are not the blob.
    func finish() throws -> Int64 {
        let actual = hasher.finish()
        guard actual == digest else {
            throw RegistryError.digestMismatch(what: what, expected: digest.description, actual: actual.description)
        }
        if let size, delivered != size {
            throw RegistryError.unexpected(what: what, status: 200, message: "\(delivered) bytes, the descriptor says \(size)")
        }
        return delivered
    }

    private func refuse(_ message: String) -> Bool {
        refusal = RegistryError.unexpected(what: what, status: 200, message: message)
        return false
    }
}

extension BlobFeed {
    /// Moves a whole body into `next` through a feed: how a blob that is not a download (a
    /// folder's file, a pipe written to disk or dropped) gets the same checks as one.
    /// - Returns: the blob's size.
    /// - Throws: ``RegistryError/digestMismatch(what:expected:actual:)``, or why the source or
    ///   the sink stopped.
    static func check(_ source: any BodySource, _ digest: Digest, size: Int64?, what: String, into next: (any BodySink)?)
        async throws -> Int64
    {
        try await source.opened()
        let feed = BlobFeed(digest: digest, size: size, what: what, next: next)
        guard await source.pump(into: feed) else {
            throw feed.refusal ?? source.failure
                ?? RegistryError.unexpected(what: what, status: 0, message: "the blob stopped before its end")
        }
        return try feed.finish()
    }
}
