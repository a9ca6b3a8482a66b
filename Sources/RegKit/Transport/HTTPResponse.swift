public import Foundation

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
