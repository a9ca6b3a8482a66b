import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A request as the scripted server received it.
struct ScriptedRequest: Sendable {
    var method: String
    /// The request target: path and query, as sent.
    var target: String
    /// Header fields in order, names lower-cased.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// Arrival order at this server, from 0.
    var index: Int
    /// `http://127.0.0.1:PORT` of the server that received it.
    var origin: String

    /// The first value of header `name`, any case.
    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// The target without its query.
    var path: String { String(target.prefix { $0 != "?" }) }

    /// The query parameters, percent-decoded.
    var query: [String: String] {
        guard let components = URLComponents(string: "http://x" + target) else { return [:] }
        var result: [String: String] = [:]
        for item in components.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }
}

/// What the scripted server does with one request.
enum ScriptedReply: Sendable {
    /// An answer; `Content-Length` is added from the body.
    case respond(status: Int, headers: [(String, String)], body: [UInt8])
    /// Close the connection with a TCP reset (SO_LINGER 0), answering nothing.
    case reset
    /// Send the head with `Content-Length: declaredLength`, then `body` (shorter), then close.
    case truncated(status: Int, headers: [(String, String)], declaredLength: Int, body: [UInt8])

    static func status(_ code: Int, headers: [(String, String)] = [], body: String = "") -> ScriptedReply {
        .respond(status: code, headers: headers, body: Array(body.utf8))
    }

    static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> ScriptedReply {
        .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }

    static func bytes(_ body: [UInt8], status: Int = 200, headers: [(String, String)] = []) -> ScriptedReply {
        .respond(status: status, headers: headers, body: body)
    }
}

/// A tiny HTTP/1.1 server on a real loopback socket that answers from a script: a
/// closure called for each request. It keeps connections alive as curl expects,
/// records every request, and can misbehave on purpose (reset, truncate).
///
/// POSIX sockets and a thread per connection: nothing here is clever, so what the
/// tests see is what the client did.
final class ScriptedServer: Sendable {
    let port: UInt16
    var origin: String { "http://127.0.0.1:\(port)" }

    private struct State {
        var requests: [ScriptedRequest] = []
        var connections: Set<Int32> = []
        var stopped = false
    }

    private let listener: Int32
    private let script: @Sendable (ScriptedRequest) -> ScriptedReply
    private let state = Mutex(State())

    /// Starts listening on 127.0.0.1 on a free port.
    init(_ script: @escaping @Sendable (ScriptedRequest) -> ScriptedReply) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError.socket("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw ServerError.socket("bind/listen", code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let accepting = Thread { [self] in acceptLoop() }
        accepting.name = "scripted-server-\(port)"
        accepting.start()
    }

    deinit { stop() }

    /// Every request received so far, in arrival order.
    var requests: [ScriptedRequest] { state.withLock { $0.requests } }

    /// The requests whose path is `path`.
    func requests(to path: String) -> [ScriptedRequest] { requests.filter { $0.path == path } }

    /// Stops accepting and ends every open connection.
    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for fd in state.connections { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                break
            }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.connections.insert(fd)
                return true
            }
            guard accepted else {
                close(fd)
                break
            }
            let connection = Thread { [self] in serve(fd) }
            connection.start()
        }
        close(listener)
    }

    /// Answers the requests of one connection until the client closes it or the script ends it.
    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        var lingerZero = false
        defer {
            state.withLock { _ = $0.connections.remove(fd) }
            if lingerZero {
                var option = linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            }
            close(fd)
        }
        while let request = readRequest(fd, &buffer) {
            switch script(request) {
            case .respond(let status, let headers, let body):
                let head = ScriptedServer.head(status: status, headers: headers, length: body.count)
                guard sendAll(fd, head), request.method == "HEAD" || sendAll(fd, body) else { return }
            case .reset:
                lingerZero = true
                return
            case .truncated(let status, let headers, let declared, let body):
                _ = sendAll(fd, ScriptedServer.head(status: status, headers: headers, length: declared))
                _ = sendAll(fd, body)
                return
            }
        }
    }

    private static func head(status: Int, headers: [(String, String)], length: Int) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !headers.contains(where: { $0.0.lowercased() == "content-length" }) { text += "Content-Length: \(length)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 307: return "Temporary Redirect"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }

    /// Reads one request (head, then a body by `Content-Length`), or nil when the connection ends.
    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> ScriptedRequest? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = ScriptedServer.find(separator, in: buffer)
            if headEnd == nil && !receive(fd, &buffer) { return nil }
        }
        let lines = String(decoding: buffer[..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeSubrange(..<(headEnd! + separator.count))
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = headers.first { $0.name == "content-length" }.flatMap { Int($0.value) } ?? 0
        while buffer.count < length {
            if !receive(fd, &buffer) { return nil }
        }
        let body = Array(buffer.prefix(length))
        buffer.removeSubrange(..<length)
        return state.withLock { state -> ScriptedRequest in
            let request = ScriptedRequest(
                method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body,
                index: state.requests.count, origin: origin)
            state.requests.append(request)
            return request
        }
    }

    private func receive(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            buffer.append(contentsOf: chunk[..<n])
            return true
        }
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a client that went away must not kill the test process with SIGPIPE.
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    enum ServerError: Error {
        case socket(String, Int32)
    }
}
