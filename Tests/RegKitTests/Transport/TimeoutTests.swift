import Foundation
import Synchronization
import Testing

@testable import RegKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--timeout` is a stall timeout: a server that accepts and never answers fails the attempt after it, and a
/// body that keeps arriving, however slowly, is never cut off.
@Suite("Timeouts on a real socket", .timeLimit(.minutes(1)))
struct TimeoutTests {
    func client(timeout: Int, retries: Int) -> RegistryClient {
        RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: retries, baseDelay: 0.01), timeout: timeout),
            credentials: CredentialStore(explicit: nil, environment: [:]))
    }

    @Test("a server that accepts and never answers: 'connected, but no answer within 1 s', after about a second")
    func silentServer() async throws {
        let server = try SlowServer(.silent)
        defer { server.stop() }
        let start = Date()
        let error = await #expect(throws: TransportError.self) {
            try await client(timeout: 1, retries: 0).tags(try RegistryAddress(server.origin), repo: "a") { _ in }
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(error?.kind == .noAnswer(seconds: 1))
        let message = error?.description ?? ""
        #expect(message.hasPrefix("127.0.0.1:\(server.port): connected, but no answer within 1 s (--timeout)"), "\(message)")
        #expect(!message.contains("cannot connect"))
        #expect(elapsed >= 0.9 && elapsed < 10, "took \(elapsed) s")
        #expect(server.connections == 1)
    }

    @Test("a silent server is retried like a broken connection: two attempts with --retries 1")
    func silentServerRetried() async throws {
        let server = try SlowServer(.silent)
        defer { server.stop() }
        let start = Date()
        await #expect(throws: TransportError.self) {
            try await client(timeout: 1, retries: 1).tags(try RegistryAddress(server.origin), repo: "a") { _ in }
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 1.9 && elapsed < 15, "took \(elapsed) s")
        #expect(server.connections == 2)
    }

    @Test("a body that trickles in for 3 s with --timeout 1 arrives whole: no limit on the total time")
    func trickle() async throws {
        let body = Array(#"{"name":"a","tags":["v1","v2","v3","v4","v5","v6"]}"#.utf8)
        let server = try SlowServer(.trickle(body, pause: 0.3))
        defer { server.stop() }
        let start = Date()
        var tags: [String] = []
        try await client(timeout: 1, retries: 0).tags(try RegistryAddress(server.origin), repo: "a") { tags += $0 }
        #expect(tags == ["v1", "v2", "v3", "v4", "v5", "v6"])
        #expect(Date().timeIntervalSince(start) > 2, "the body took longer than --timeout in all")
    }
}

/// A loopback HTTP server that misbehaves in time: it accepts connections and then says nothing, or sends
/// a 200 whose body comes in small pieces with pauses between them.
final class SlowServer: Sendable {
    enum Behaviour: Sendable {
        /// Read the request, answer nothing, keep the connection open until the client leaves.
        case silent
        /// Answer 200 with `body`, sent 8 bytes at a time with `pause` seconds between the pieces.
        case trickle([UInt8], pause: Double)
    }

    let port: UInt16
    var origin: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let behaviour: Behaviour
    private let state = Mutex((accepted: 0, open: Set<Int32>(), stopped: false))

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw ScriptedServer.ServerError.socket("listen", errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in acceptLoop() }.start()
    }

    /// Connections accepted so far.
    var connections: Int { state.withLock { $0.accepted } }

    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for fd in state.open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { if errno == EINTR { continue } else { break } }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.accepted += 1
                state.open.insert(fd)
                return true
            }
            guard accepted else {
                close(fd)
                break
            }
            Thread { [self] in serve(fd) }.start()
        }
        close(listener)
    }

    private func serve(_ fd: Int32) {
        defer {
            state.withLock { _ = $0.open.remove(fd) }
            close(fd)
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        switch behaviour {
        case .silent:
            // Drain until the client gives up and closes, or the server stops.
            while chunk.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        case .trickle(let body, let pause):
            _ = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
            guard sendAll(Array(head.utf8), on: fd) else { return }
            for start in stride(from: 0, to: body.count, by: 8) {
                Thread.sleep(forTimeInterval: pause)
                guard sendAll(Array(body[start..<min(start + 8, body.count)]), on: fd) else { return }
            }
            while chunk.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        }
    }

    private func sendAll(_ bytes: [UInt8], on fd: Int32) -> Bool {
        bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }
}
