/// A `WWW-Authenticate` challenge: `Basic realm="..."` or
/// `Bearer realm="...",service="...",scope="..."`.
public struct AuthChallenge: Sendable, Hashable {
    public enum Scheme: String, Sendable { case basic, bearer }

    public var scheme: Scheme
    /// Parameter names lower-cased; values unquoted.
    public var parameters: [String: String]

    public var realm: String? { parameters["realm"] }
    public var service: String? { parameters["service"] }
    public var scope: String? { parameters["scope"] }

    /// Parses the challenges of one header value; unknown schemes are skipped.
    public static func parse(_ header: String) -> [AuthChallenge] {
        var result: [AuthChallenge] = []
        var scanner = Scanner(Array(header.utf8))
        while !scanner.atEnd {
            scanner.skip { $0 == 0x20 || $0 == 0x2C || $0 == 0x09 }
            let token = scanner.token()
            guard !token.isEmpty else { scanner.advance(); continue }
            var params: [String: String] = [:]
            while true {
                scanner.skip { $0 == 0x20 || $0 == 0x09 }
                let save = scanner.index
                let name = scanner.token()
                scanner.skip { $0 == 0x20 }
                guard !name.isEmpty, scanner.peek == UInt8(ascii: "=") else {
                    scanner.index = save
                    break
                }
                scanner.advance()
                scanner.skip { $0 == 0x20 }
                params[name.lowercased()] = scanner.peek == UInt8(ascii: "\"") ? scanner.quoted() : scanner.token()
                scanner.skip { $0 == 0x20 }
                if scanner.peek == UInt8(ascii: ",") { scanner.advance() } else { break }
            }
            if let scheme = Scheme(rawValue: token.lowercased()) {
                result.append(AuthChallenge(scheme: scheme, parameters: params))
            }
        }
        return result
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[index] }
        mutating func advance() { index += 1 }
        mutating func skip(_ predicate: (UInt8) -> Bool) { while let c = peek, predicate(c) { index += 1 } }
        mutating func token() -> String {
            let start = index
            skip { c in !(c == 0x20 || c == 0x2C || c == 0x3D || c == 0x22 || c == 0x09) }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        mutating func quoted() -> String {
            advance()
            var out: [UInt8] = []
            while let c = peek {
                advance()
                if c == UInt8(ascii: "\\"), let n = peek { out.append(n); advance(); continue }
                if c == UInt8(ascii: "\"") { break }
                out.append(c)
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
