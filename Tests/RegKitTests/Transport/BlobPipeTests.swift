import Foundation
import Synchronization
import Testing

@testable import RegKit

/// Flow control and the blob pipe: the engine pausing and resuming transfers for their sink
/// or source, cancellation, and a blob piped from one scripted registry to another, with the
/// failures the real registry cannot be made to produce on cue (a reset mid-body, a refused
/// `Range`, an upload that breaks).
@Suite("Blob pipe and flow control over scripted servers", .timeLimit(.minutes(1)))
struct BlobPipeTests {
    static func client(retries: Int = 3) -> RegistryClient {
        RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: retries, baseDelay: 0.01)),
            credentials: CredentialStore(explicit: nil, environment: [:]))
    }

    /// `count` bytes that are not all alike, so a byte out of place changes the digest.
    static func content(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
    }

    // MARK: - The pipe alone

    @Test("the pipe refuses a piece above its high watermark, wakes the writer at the low one, and holds back the last byte")
    func watermarks() async throws {
        let pipe = BlobPipe(length: 10, high: 4, low: 2)
        func write(_ bytes: [UInt8]) -> BodyWrite { bytes.withUnsafeBytes { pipe.write($0) } }
        var buffer = [UInt8](repeating: 0, count: 3)
        func read() -> BodyRead { buffer.withUnsafeMutableBytes { pipe.read(into: $0) } }

        #expect(read() == .wait, "nothing yet")
        #expect(write([0, 1, 2, 3]) == .accepted)
        #expect(write([4]) == .full, "at the high watermark")
        let woken = Mutex(false)
        pipe.whenWritable { woken.withLock { $0 = true } }
        #expect(read() == .bytes(3))
        #expect(woken.withLock { $0 }, "drained to the low watermark")
        #expect(write([4, 5, 6, 7, 8, 9]) == .accepted)
        #expect(read() == .bytes(3))
        #expect(read() == .bytes(3))
        #expect(read() == .wait, "the last byte waits for the download's check")
        pipe.finish()
        #expect(read() == .bytes(1))
        #expect(read() == .end)
        #expect(pipe.peakBuffered == 7)
    }

    @Test("a failed download aborts the upload's read and its wait to open; a cancelled upload refuses the download")
    func failureBothWays() async throws {
        let failed = BlobPipe(length: 4)
        failed.fail(RegistryError.notFound(what: "x", code: nil))
        var buffer = [UInt8](repeating: 0, count: 4)
        #expect(buffer.withUnsafeMutableBytes { failed.read(into: $0) } == .failed)
        await #expect(throws: RegistryError.self) { try await failed.opened() }

        let cancelled = BlobPipe(length: 4)
        cancelled.cancel()
        #expect([1, 2].withUnsafeBytes { cancelled.write($0) } == .refused)
    }

    // MARK: - The engine's flow control

    @Test("a sink that is full pauses the download; woken from another thread, it gets every byte in order")
    func writePause() async throws {
        let content = Self.content(1 << 20)
        let server = try ScriptedServer { _ in .bytes(content) }
        defer { server.stop() }
        let sink = GatedSink()
        // Opened only once it has refused a piece: the download has met a full sink for sure.
        let opening = Task {
            while sink.refusedWhileClosed == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
            sink.open()
        }
        let count = try await Self.client().blob(
            try RegistryAddress(server.origin), repo: "a", digest: Digest(of: content), size: Int64(content.count),
            into: sink)
        _ = try await opening.value
        #expect(count == Int64(content.count))
        #expect(sink.data == Data(content))
        #expect(sink.refusedWhileClosed > 0, "the download was paused at least once")
    }

    @Test("a source that has nothing yet pauses the upload; woken later, the whole body goes")
    func readPause() async throws {
        let content = Self.content(300_000)
        let server = try ScriptedServer { request in
            Digest(of: request.body) == Digest(of: content) ? .status(201) : .status(400)
        }
        defer { server.stop() }
        let pipe = BlobPipe(length: Int64(content.count), high: 64 << 10, low: 16 << 10)
        let feeding = Task {
            try await Task.sleep(nanoseconds: 200_000_000)
            #expect(await pipe.writeAll(Data(content)))
            pipe.finish()
        }
        let response = try await CurlEngine.shared.perform(
            HTTPRequest(.put, server.origin + "/upload", body: pipe), tls: .init(), timeout: 10)
        try await feeding.value
        #expect(response.status == 201)
    }

    @Test("a cancelled task stops its transfer at once, even while the server keeps it waiting")
    func cancellation() async throws {
        let server = try ScriptedServer { _ in
            Thread.sleep(forTimeInterval: 20)
            return .status(200)
        }
        defer { server.stop() }
        let started = ContinuousClock.now
        let request = Task {
            try await CurlEngine.shared.perform(HTTPRequest(.get, server.origin + "/slow"), tls: .init(), timeout: 30)
        }
        try await Task.sleep(nanoseconds: 200_000_000)
        request.cancel()
        await #expect(throws: CancellationError.self) { try await request.value }
        #expect(ContinuousClock.now - started < .seconds(10), "it did not wait for the server's answer")
    }

    // MARK: - Registry to registry

    /// A source registry serving one blob: broken after `breakAt` bytes on its first answer,
    /// and answering `Range` with 206 when `honoursRange`, else with the whole blob.
    static func source(_ content: [UInt8], breakAt: Int?, honoursRange: Bool = true) throws -> ScriptedServer {
        try ScriptedServer { request in
            if request.index == 0, let breakAt {
                return .truncated(
                    status: 200, headers: [], declaredLength: content.count, body: Array(content.prefix(breakAt)))
            }
            if honoursRange, let range = request.header("Range"), range.hasPrefix("bytes="),
                let start = Int(range.dropFirst(6).prefix { $0 != "-" })
            {
                return .bytes(
                    Array(content[start...]), status: 206,
                    headers: [("Content-Range", "bytes \(start)-\(content.count - 1)/\(content.count)")])
            }
            return .bytes(content)
        }
    }

    /// A target registry that opens an upload session per POST and takes a PUT whose body
    /// hashes to its `digest`; the PUTs listed in `failing` (by order) break the connection.
    static func target(failing: Set<Int> = []) throws -> (ScriptedServer, Stored) {
        let stored = Stored()
        let puts = Mutex(0)
        let server = try ScriptedServer { request in
            switch request.method {
            case "POST":
                return .status(202, headers: [("Location", "/v2/b/blobs/uploads/\(request.index)")])
            case "PUT":
                let number = puts.withLock { count -> Int in
                    defer { count += 1 }
                    return count
                }
                if failing.contains(number) { return .reset }
                let digest = Digest(of: request.body)
                guard request.query["digest"] == digest.description else { return .status(400) }
                stored.add(digest)
                return .status(201)
            default:
                return .status(404)
            }
        }
        return (server, stored)
    }

    /// Pipes `content` from `source`'s repository `a` into `target`'s `b`; returns what was
    /// written, and the last body the upload read (a ``BlobPipe``).
    @discardableResult
    static func copy(_ content: [UInt8], from source: ScriptedServer, to target: ScriptedServer) async throws -> (
        BlobWrite, body: any BodySource
    ) {
        let client = Self.client()
        let from = RegistryStore(registry: try RegistryAddress(source.origin), client: client)
        let to = RegistryStore(registry: try RegistryAddress(target.origin), client: client)
        let descriptor = Descriptor(mediaType: MediaType.ociLayerGzip, digest: Digest(of: content), size: Int64(content.count))
        let last = Mutex<(any BodySource)?>(nil)
        let written = try await to.writeBlob("b", descriptor: descriptor, mountFrom: nil) {
            let body = try await from.blobBody("a", descriptor: descriptor)
            last.withLock { $0 = body }
            return body
        }
        return (written, try #require(last.withLock { $0 }))
    }

    @Test("a blob piped from one registry to another arrives whole, with memory bounded by the pipe")
    func piped() async throws {
        let content = Self.content(24 << 20)
        let source = try Self.source(content, breakAt: nil)
        let (target, stored) = try Self.target()
        defer {
            source.stop()
            target.stop()
        }
        let (written, body) = try await Self.copy(content, from: source, to: target)
        #expect(written == .written(Int64(content.count)))
        #expect(stored.digests == [Digest(of: content)])
        let peak = try #require(body as? BlobPipe).peakBuffered
        #expect(peak <= (4 << 20) + (512 << 10), "the pipe held \(peak) bytes")
    }

    @Test("a source that breaks mid-body is resumed from the byte it reached, by Range or by skipping")
    func sourceResumed() async throws {
        let content = Self.content(3 << 20)
        for honoursRange in [true, false] {
            let source = try Self.source(content, breakAt: 1 << 20, honoursRange: honoursRange)
            let (target, stored) = try Self.target()
            defer {
                source.stop()
                target.stop()
            }
            let (written, _) = try await Self.copy(content, from: source, to: target)
            #expect(written == .written(Int64(content.count)))
            #expect(stored.digests == [Digest(of: content)])
            let gets = source.requests
            #expect(gets.count == 2)
            #expect(gets.last?.header("Range") == "bytes=\(1 << 20)-")
            #expect(target.requests.filter { $0.method == "POST" }.count == 1, "the upload went on")
        }
    }

    @Test("an upload that breaks starts over: a new session and a new download")
    func destinationRestarted() async throws {
        let content = Self.content(2 << 20)
        let source = try Self.source(content, breakAt: nil)
        let (target, stored) = try Self.target(failing: [0])
        defer {
            source.stop()
            target.stop()
        }
        let (written, _) = try await Self.copy(content, from: source, to: target)
        #expect(written == .written(Int64(content.count)))
        #expect(stored.digests == [Digest(of: content)])
        #expect(target.requests.filter { $0.method == "POST" }.count == 2)
        #expect(source.requests.count == 2)
    }

    @Test("a source whose bytes do not match the digest fails the copy, and the upload never completes")
    func wrongBytes() async throws {
        let content = Self.content(1 << 20)
        let forged = Array(content.dropLast()) + [content.last! ^ 0xFF]
        let source = try ScriptedServer { _ in .bytes(forged) }
        let (target, stored) = try Self.target()
        defer {
            source.stop()
            target.stop()
        }
        await #expect(throws: RegistryError.self) { try await Self.copy(content, from: source, to: target) }
        #expect(stored.digests.isEmpty)
    }

    @Test("a body too large for the target (413) goes again in PATCH chunks, smaller until they pass")
    func chunkedFallback() async throws {
        let content = Self.content(3 << 20)
        let source = try Self.source(content, breakAt: nil)
        let limit = 1 << 20
        let sessions = Mutex<[String: [UInt8]]>([:])
        let stored = Stored()
        let target = try ScriptedServer { request in
            switch request.method {
            case "POST":
                sessions.withLock { $0["/v2/b/blobs/uploads/\(request.index)"] = [] }
                return .status(202, headers: [("Location", "/v2/b/blobs/uploads/\(request.index)")])
            case _ where request.body.count > limit:
                return .status(413)
            case "PATCH":
                let start = Int(request.header("Content-Range")?.prefix { $0 != "-" } ?? "")
                let accepted = sessions.withLock { open -> Bool in
                    guard open[request.path]?.count == start else { return false }
                    open[request.path]! += request.body
                    return true
                }
                return accepted ? .status(202, headers: [("Location", request.path)]) : .status(416)
            case "PUT":
                let bytes = sessions.withLock { $0[request.path] ?? [] } + request.body
                guard request.query["digest"] == Digest(of: bytes).description else { return .status(400) }
                stored.add(Digest(of: bytes))
                return .status(201)
            default:
                return .status(404)
            }
        }
        defer {
            source.stop()
            target.stop()
        }
        let (written, _) = try await Self.copy(content, from: source, to: target)
        #expect(written == .written(Int64(content.count)))
        #expect(stored.digests == [Digest(of: content)])
        let patches = target.requests.filter { $0.method == "PATCH" }
        #expect(patches.filter { $0.body.count <= limit }.map(\.body.count).reduce(0, +) == content.count)
        #expect(patches.last?.header("Content-Range") == "\(content.count - (512 << 10))-\(content.count - 1)")
        #expect(target.requests.filter { $0.method == "POST" }.count == 4, "whole, 8 MiB, 2 MiB, then 512 KiB chunks")
    }
}

/// The blobs a scripted target stored, in order.
final class Stored: Sendable {
    private let state = Mutex<[Digest]>([])
    var digests: [Digest] { state.withLock { $0 } }
    func add(_ digest: Digest) { state.withLock { $0.append(digest) } }
}

/// A sink that answers full until it is opened, and counts those refusals.
private final class GatedSink: BodySink, @unchecked Sendable {
    private struct State {
        var open = false
        var waiting: (@Sendable () -> Void)?
        var data = Data()
        var refused = 0
    }
    private let state = Mutex(State())

    var data: Data { state.withLock { $0.data } }
    var refusedWhileClosed: Int { state.withLock { $0.refused } }

    func open() {
        let wake = state.withLock { state -> (@Sendable () -> Void)? in
            state.open = true
            defer { state.waiting = nil }
            return state.waiting
        }
        wake?()
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> BodyWrite {
        state.withLock { state in
            guard state.open else {
                state.refused += 1
                return .full
            }
            state.data.append(contentsOf: bytes)
            return .accepted
        }
    }

    func whenWritable(_ wake: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.open { return true }
            state.waiting = wake
            return false
        }
        if now { wake() }
    }

    func reset() { state.withLock { $0.data.removeAll() } }
}
