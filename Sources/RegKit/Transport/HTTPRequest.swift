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
