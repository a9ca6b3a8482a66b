import Foundation

/// A request that got no HTTP answer.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in the terms a user acts on.
    public enum Kind: Sendable, Equatable {
        /// Could not connect, or the connection broke; worth a retry.
        case connection
        /// No connection within `seconds` (`--timeout`); worth a retry.
        case connectTimeout(seconds: Int)
        /// Connected, but the server sent nothing for `seconds` (`--timeout`); worth a retry.
        case noAnswer(seconds: Int)
        /// The host name does not resolve.
        case resolve
        /// An HTTPS request met a server that speaks plain HTTP.
        case plainHTTPServer
        /// The server's certificate is not trusted.
        case certificate
        /// Another TLS failure (client certificate, protocol).
        case tls
        /// The response body was refused by its sink (too large, disk full, digest mismatch).
        case bodyRejected
        /// The request body stopped before its end (the download feeding an upload failed).
        case bodyFailed
        /// Anything else curl reports.
        case other
    }

    public let kind: Kind
    /// The URL that failed.
    public let url: String
    /// curl's own words.
    public let detail: String

    public init(kind: Kind, url: String, detail: String) {
        self.kind = kind
        self.url = url
        self.detail = detail
    }

    /// Worth another try after a pause.
    public var isTransient: Bool {
        switch kind {
        case .connection, .connectTimeout, .noAnswer: return true
        default: return false
        }
    }

    public var description: String {
        let host = TransportError.hostPart(of: url)
        switch kind {
        case .plainHTTPServer:
            return "\(host) answers plain HTTP, not HTTPS: write the registry as http://\(host)"
        case .certificate:
            return "\(host): certificate not trusted (\(detail)): pass --ca-file FILE, or --insecure to skip the check"
        case .resolve:
            return "\(host): host name does not resolve (\(detail))"
        case .connection:
            return "\(host): cannot connect (\(detail))"
        case .connectTimeout(let seconds):
            return "\(host): cannot connect within \(seconds) s (--timeout); is the address right, and the registry up?"
        case .noAnswer(let seconds):
            return
                "\(host): connected, but no answer within \(seconds) s (--timeout): the registry, or a proxy in front of it, hangs; raise --timeout if it is only slow"
        case .tls:
            return "\(host): TLS failed (\(detail))"
        case .bodyRejected:
            return "\(url): response refused (\(detail))"
        case .bodyFailed:
            return "\(url): the body to send stopped before its end"
        case .other:
            return "\(host): request failed (\(detail))"
        }
    }

    /// `host[:port]` of a URL, for messages.
    static func hostPart(of url: String) -> String {
        var rest = Substring(url)
        if let r = rest.range(of: "://") { rest = rest[r.upperBound...] }
        return String(rest.prefix { $0 != "/" && $0 != "?" })
    }
}
