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
///
/// Times are measured by the server, from accepting a connection to the client closing it: the test's own
/// clock runs on the cooperative pool, which the integration tests keep busy in the full suite.
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
        let error = await #expect(throws: TransportError.self) {
            try await client(timeout: 1, retries: 0).tags(try RegistryAddress(server.origin), repo: "a") { _ in }
        }
        #expect(error?.kind == .noAnswer(seconds: 1))
        let message = error?.description ?? ""
        #expect(message.hasPrefix("127.0.0.1:\(server.port): connected, but no answer within 1 s (--timeout)"), "\(message)")
        #expect(!message.contains("cannot connect"))
        let held = try await server.durations(count: 1)
        #expect(held.count == 1 && held.allSatisfy { $0 >= 0.9 && $0 < 10 }, "the client held the connection \(held) s")
    }

    @Test("a silent server is retried like a broken connection: two attempts with --retries 1")
    func silentServerRetried() async throws {
        let server = try SlowServer(.silent)
        defer { server.stop() }
        await #expect(throws: TransportError.self) {
            try await client(timeout: 1, retries: 1).tags(try RegistryAddress(server.origin), repo: "a") { _ in }
        }
        let held = try await server.durations(count: 2)
        #expect(held.count == 2 && held.allSatisfy { $0 >= 0.9 && $0 < 10 }, "the client held the connections \(held) s")
    }

    @Test("a body that trickles in for over 3 s with --timeout 3 arrives whole: no limit on the total time")
    func trickle() async throws {
        let body = Array(#"{"name":"a","tags":["v1","v2","v3","v4","v5","v6"]}"#.utf8)
        // 3 bytes every 0.2 s: 18 pieces, 3.6 s in all, and never a pause near the timeout.
        let server = try SlowServer(.trickle(body, piece: 3, pause: 0.2))
        defer { server.stop() }
        var tags: [String] = []
        try await client(timeout: 3, retries: 0).tags(try RegistryAddress(server.origin), repo: "a") { tags += $0 }
        #expect(tags == ["v1", "v2", "v3", "v4", "v5", "v6"])
        #expect(server.connections == 1)
        #expect(server.sending.allSatisfy { $0 > 3 }, "the body took longer than --timeout in all: \(server.sending) s")
    }
}

/// A loopback HTTP server that misbehaves in time: it accepts connections and then says nothing, or sends
/// a 200 whose body comes in small pieces with pauses between them.
final class SlowServer: Sendable {
    enum Behaviour: Sendable {
        /// Read the request, answer nothing, keep the connection open until the client leaves.
        case silent
        /// Answer 200 with `body`, sent `piece` bytes at a time with `pause` seconds before each piece.
        case trickle([UInt8], piece: Int, pause: Double)
    }

    let port: UInt16
    var origin: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let behaviour: Behaviour
    private let state = Mutex(
        (accepted: 0, open: Set<Int32>(), stopped: false, durations: [Double](), sending: [Double]()))

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
    /// For each connection that ended, the seconds from accepting it to its end, in order of ending:
    /// once `count` have ended (the server may see a close a moment after the client reported it), or
    /// what there is after 5 s.
    func durations(count: Int) async throws -> [Double] {
        for _ in 0..<100 where state.withLock({ $0.durations.count }) < count { try await Task.sleep(nanoseconds: 50_000_000) }
        return state.withLock { $0.durations }
    }
    /// For each trickled answer, the seconds from its first byte to its last.
    var sending: [Double] { state.withLock { $0.sending } }

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
        let accepted = Date()
        defer {
            state.withLock {
                _ = $0.open.remove(fd)
                $0.durations.append(Date().timeIntervalSince(accepted))
            }
            close(fd)
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        switch behaviour {
        case .silent:
            // Drain until the client gives up and closes, or the server stops.
            while chunk.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        case .trickle(let body, let piece, let pause):
            _ = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
            let started = Date()
            guard sendAll(Array(head.utf8), on: fd) else { return }
            for start in stride(from: 0, to: body.count, by: piece) {
                Thread.sleep(forTimeInterval: pause)
                guard sendAll(Array(body[start..<min(start + piece, body.count)]), on: fd) else { return }
            }
            state.withLock { $0.sending.append(Date().timeIntervalSince(started)) }
            while chunk.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        }
    }

    private func sendAll(_ bytes: [UInt8], on fd: Int32) -> Bool {
        bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }
}
