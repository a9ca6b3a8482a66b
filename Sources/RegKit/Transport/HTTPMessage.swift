public import Foundation

/// One HTTP request, as the transport sends it.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", head = "HEAD", put = "PUT", post = "POST", patch = "PATCH", delete = "DELETE"
    }

    public var method: Method
    public var url: String
    /// Header lines in order; names as sent.
    public var headers: [(name: String, value: String)]
    /// What to upload, if anything.
    public var body: (any BodySource)?
    /// Where a successful (2xx) response body goes; by default it is collected in memory.
    public var sink: (any BodySink)?

    public init(
        _ method: Method, _ url: String, headers: [(name: String, value: String)] = [], body: (any BodySource)? = nil,
        sink: (any BodySink)? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.sink = sink
    }

    /// The first value of header `name`, compared without case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Sets header `name`, replacing any earlier value.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }
}

/// One HTTP response. A 2xx body went to the request's sink when it had one;
/// every other body (errors, which are small) is in `body`.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields of the final response, names lower-cased, in order.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// The URL that answered, after redirects.
    public var url: String
    /// The reason phrase of the status line (`Bad Gateway`); empty over HTTP/2, which has none.
    public var reason: String

    public init(status: Int, headers: [(name: String, value: String)], body: Data, url: String, reason: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.reason = reason
    }

    /// The first value of header `name` (any case).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// Every value of header `name` (any case).
    public func headerValues(_ name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name == lower }.map(\.value)
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// A request body that can be read in pieces and read again from the start (for a retry).
public protocol BodySource: AnyObject, Sendable {
    /// The total length in bytes.
    var length: Int64 { get }
    /// Copies up to `buffer.count` bytes into `buffer`; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// Starts again from the first byte.
    func rewind()
}

/// Where a response body goes, piece by piece, as it arrives.
public protocol BodySink: AnyObject, Sendable {
    /// Takes the next piece; false aborts the transfer.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool
    /// Forgets everything written (before a retry).
    func reset()
}

/// A body held in memory.
public final class DataSource: BodySource, @unchecked Sendable {
    private let data: Data
    private var offset = 0

    public init(_ data: Data) { self.data = data }

    public var length: Int64 { Int64(data.count) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(buffer.count, data.count - offset)
        guard n > 0 else { return 0 }
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: offset..<(offset + n))
        offset += n
        return n
    }

    public func rewind() { offset = 0 }
}

/// Collects a body in memory, refusing more than `limit` bytes.
public final class MemorySink: BodySink, @unchecked Sendable {
    public private(set) var data = Data()
    private let limit: Int

    public init(limit: Int = 32 << 20) { self.limit = limit }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard data.count + bytes.count <= limit else { return false }
        data.append(bytes.bindMemory(to: UInt8.self))
        return true
    }

    public func reset() { data.removeAll(keepingCapacity: true) }
}
