import CCurl
import COpenSSL
import Foundation
import Synchronization

/// Runs HTTP transfers on one dedicated thread that drives a `curl_multi` handle.
///
/// Blocking curl calls on Swift's cooperative pool would stall every task (it has
/// as many threads as cores), so async callers hand their request over through a
/// locked queue and `curl_multi_wakeup`, and are answered through a continuation.
/// The multi handle keeps connections alive and multiplexes HTTP/2.
///
/// Flow control: a sink that is full or a source that is empty pauses its transfer
/// (`CURL_WRITEFUNC_PAUSE`, `CURL_READFUNC_PAUSE`); it wakes the transfer later from any
/// thread by queueing a resume, which this thread applies with `curl_easy_pause` (only the
/// thread driving the handle may call it: it can re-enter the callbacks). A cancelled task
/// queues a cancel the same way, and its transfer stops.
final class CurlEngine: @unchecked Sendable {
    /// The engine of this process.
    static let shared = CurlEngine()

    /// What another thread asks of a transfer.
    enum Control {
        /// Continue a transfer paused by its sink or source.
        case resume
        /// Stop it, answering its caller with `CancellationError`.
        case cancel
    }

    private let multi: UnsafeMutableRawPointer
    private let incoming = Mutex<[Transfer]>([])
    private let controls = Mutex<[(Transfer, Control)]>([])
    /// Owned by the engine thread only.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]

    private init() {
        // Before curl_global_init: avoids an exit-time double free (NOTES.md).
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
        curl_global_init(Int(CURL_GLOBAL_ALL))
        multi = curl_multi_init()
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "reg-curl"
        thread.start()
    }

    /// Sends `request` and waits for the whole response. Cancelling the calling task stops
    /// the transfer and throws `CancellationError`.
    /// - Parameter timeout: seconds to connect, and seconds the transfer may stall (see ``ClientOptions/timeout``).
    /// - Throws: ``TransportError`` when no HTTP answer came.
    func perform(_ request: HTTPRequest, tls: TLSOptions, timeout: Int) async throws -> HTTPResponse {
        let transfer = Transfer(request: request, tls: tls, timeout: timeout, engine: self)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                incoming.withLock { $0.append(transfer) }
                curl_multi_wakeup(multi)
            }
        } onCancel: {
            control(transfer, .cancel)
        }
    }

    /// Queues `control` for `transfer`, from any thread; the engine thread applies it.
    fileprivate func control(_ transfer: Transfer, _ control: Control) {
        controls.withLock { $0.append((transfer, control)) }
        curl_multi_wakeup(multi)
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let arrived = incoming.withLock { queue -> [Transfer] in
                defer { queue.removeAll() }
                return queue
            }
            for transfer in arrived {
                guard !transfer.cancelled else {
                    transfer.finish(.failure(CancellationError()))
                    continue
                }
                guard let handle = transfer.makeHandle() else { continue }
                active[handle] = transfer
                curl_multi_add_handle(multi, handle)
            }
            let requested = controls.withLock { queue -> [(Transfer, Control)] in
                defer { queue.removeAll() }
                return queue
            }
            for (transfer, control) in requested { apply(control, to: transfer) }
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, handle)
                active.removeValue(forKey: handle)?.complete(code)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func apply(_ control: Control, to transfer: Transfer) {
        guard let handle = transfer.handle, active[handle] === transfer else {
            // Not started yet (a cancel that overtook its request), or finished already.
            if control == .cancel { transfer.cancelled = true }
            return
        }
        switch control {
        case .resume:
            // May call the write or read callback at once, which may pause again.
            curl_easy_pause(handle, CURLPAUSE_RECV_CONT | CURLPAUSE_SEND_CONT)
        case .cancel:
            curl_multi_remove_handle(multi, handle)
            active.removeValue(forKey: handle)
            transfer.finish(.failure(CancellationError()))
        }
    }
}

/// One request in flight: its easy handle and everything the callbacks need.
private final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    let tls: TLSOptions
    let timeout: Int
    unowned let engine: CurlEngine
    /// Set by the caller before the transfer is queued; the engine answers it exactly once.
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    /// Engine thread only: a cancel arrived before the transfer started.
    var cancelled = false
    var handle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var headers: [(name: String, value: String)] = []
    var reason = ""
    var errorBody = Data()
    var sinkRefused = false
    var sourceFailed = false
    /// The sink was told this response's head (``BodySink/begin(status:headers:)``).
    var begun = false
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    let memory: MemorySink?

    init(request: HTTPRequest, tls: TLSOptions, timeout: Int, engine: CurlEngine) {
        self.request = request
        self.tls = tls
        self.timeout = timeout
        self.engine = engine
        self.memory = request.sink == nil ? MemorySink() : nil
    }

    /// Configures an easy handle for the request, or answers the caller with the failure.
    func makeHandle() -> UnsafeMutableRawPointer? {
        guard let h = curl_easy_init() else {
            finish(.failure(TransportError(kind: .other, url: request.url, detail: "curl_easy_init failed")))
            return nil
        }
        handle = h
        let me = Unmanaged.passUnretained(self).toOpaque()
        reg_easy_setopt_string(h, CURLOPT_URL, request.url)
        reg_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        reg_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, &errorBuffer)
        // --timeout bounds the connection (TLS handshake included) and any stall after it: a
        // transfer that moves less than 1 byte/s for that long fails (and is retried). No limit
        // on the total time, so a large blob that keeps arriving is never cut off.
        reg_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT, timeout)
        reg_easy_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
        reg_easy_setopt_long(h, CURLOPT_LOW_SPEED_TIME, timeout)
        reg_easy_setopt_string(h, CURLOPT_ACCEPT_ENCODING, "")
        reg_easy_setopt_string(h, CURLOPT_USERAGENT, RegVersion.userAgent)
        reg_easy_setopt_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        reg_easy_setopt_long(h, CURLOPT_PIPEWAIT, 1)
        if request.method == .get || request.method == .head {
            // Blob GETs may be redirected to object storage. curl drops our
            // Authorization header when the host changes (CURLOPT_UNRESTRICTED_AUTH off).
            reg_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, 1)
            reg_easy_setopt_long(h, CURLOPT_MAXREDIRS, 8)
        }
        if tls.insecure {
            reg_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            reg_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = tls.caFile { reg_easy_setopt_string(h, CURLOPT_CAINFO, ca) }
        if let cert = tls.certFile { reg_easy_setopt_string(h, CURLOPT_SSLCERT, cert) }
        if let key = tls.keyFile { reg_easy_setopt_string(h, CURLOPT_SSLKEY, key) }

        // "Expect:" stops curl from waiting for 100-continue before uploads.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        reg_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)

        reg_easy_setopt_datacb(h, CURLOPT_WRITEFUNCTION, transferWrite)
        reg_easy_setopt_pointer(h, CURLOPT_WRITEDATA, me)
        reg_easy_setopt_datacb(h, CURLOPT_HEADERFUNCTION, transferHeader)
        reg_easy_setopt_pointer(h, CURLOPT_HEADERDATA, me)

        let length = request.body?.length ?? 0
        switch request.method {
        case .get:
            reg_easy_setopt_long(h, CURLOPT_HTTPGET, 1)
        case .head:
            reg_easy_setopt_long(h, CURLOPT_NOBODY, 1)
        case .post:
            reg_easy_setopt_long(h, CURLOPT_POST, 1)
            reg_easy_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(length))
            if request.body == nil { reg_easy_setopt_string(h, CURLOPT_COPYPOSTFIELDS, "") }
        case .put, .patch:
            reg_easy_setopt_long(h, CURLOPT_UPLOAD, 1)
            reg_easy_setopt_off(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(length))
            if request.method == .patch { reg_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, "PATCH") }
        case .delete:
            reg_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, "DELETE")
        }
        if let body = request.body {
            if body.canRewind { body.rewind() }
            reg_easy_setopt_datacb(h, CURLOPT_READFUNCTION, transferRead)
            reg_easy_setopt_pointer(h, CURLOPT_READDATA, me)
        } else if request.method == .put || request.method == .patch {
            reg_easy_setopt_datacb(h, CURLOPT_READFUNCTION, transferRead)
            reg_easy_setopt_pointer(h, CURLOPT_READDATA, me)
        }
        return h
    }

    var status: Int {
        var code = 0
        if let handle { reg_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) }
        return code
    }

    /// Hands a piece of the body to the sink: the number of bytes taken, or what tells curl
    /// to pause or abort.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        let status = self.status
        guard (200..<300).contains(status) else {
            // Error bodies are small JSON; keep the first 64 KiB for the message.
            if errorBody.count < 65536 { errorBody.append(contentsOf: bytes.prefix(65536 - errorBody.count)) }
            return bytes.count
        }
        let sink = self.sink
        if !begun {
            begun = true
            guard sink.begin(status: status, headers: headers) else {
                sinkRefused = true
                return 0
            }
        }
        switch sink.write(bytes) {
        case .accepted:
            return bytes.count
        case .full:
            sink.whenWritable { [self] in engine.control(self, .resume) }
            return Int(CURL_WRITEFUNC_PAUSE)
        case .refused:
            sinkRefused = true
            return 0
        }
    }

    private var sink: any BodySink { request.sink ?? memory! }

    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (after a redirect or a 100)
            errorBody.removeAll()
            begun = false
            // "HTTP/1.1 502 Bad Gateway": the reason phrase is what follows the code.
            let parts = line.split(separator: " ", maxSplits: 2)
            reason = parts.count == 3 ? String(parts[2]) : ""
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.append((name, value))
    }

    /// Fills `buffer` from the body: the number of bytes, 0 at the end, or what tells curl
    /// to pause or abort.
    func send(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let body = request.body else { return 0 }
        switch body.read(into: buffer) {
        case .bytes(let count):
            return count
        case .end:
            return 0
        case .wait:
            body.whenReadable { [self] in engine.control(self, .resume) }
            return Int(CURL_READFUNC_PAUSE)
        case .failed:
            sourceFailed = true
            return Int(CURL_READFUNC_ABORT)
        }
    }

    func complete(_ code: CURLcode) {
        guard code == CURLE_OK else {
            finish(.failure(error(for: code)))
            return
        }
        var effective: UnsafeMutablePointer<CChar>?
        reg_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let status = self.status
        let success = (200..<300).contains(status)
        if success, !begun, request.method != .head, !sink.begin(status: status, headers: headers) {
            // An empty body: the sink is still told the head, and may refuse it.
            finish(.failure(TransportError(kind: .bodyRejected, url: request.url, detail: "refused by its sink")))
            return
        }
        let body = success ? (memory?.data ?? Data()) : errorBody
        finish(
            .success(
                HTTPResponse(
                    status: status, headers: headers, body: body,
                    url: effective.map { String(cString: $0) } ?? request.url, reason: reason)))
    }

    /// Answers the caller and frees the handle; the handle is out of the multi handle.
    func finish(_ result: Result<HTTPResponse, any Error>) {
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
        curl_slist_free_all(headerList)
        headerList = nil
        continuation?.resume(with: result)
        continuation = nil
    }

    private func error(for code: CURLcode) -> TransportError {
        let buffered = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        let kind: TransportError.Kind
        switch code {
        case CURLE_SSL_CONNECT_ERROR where detail.contains("wrong version number"):
            kind = .plainHTTPServer
        case CURLE_PEER_FAILED_VERIFICATION:
            kind = .certificate
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
            kind = .tls
        case CURLE_COULDNT_RESOLVE_HOST:
            kind = .resolve
        case CURLE_WRITE_ERROR where sinkRefused:
            kind = .bodyRejected
        case CURLE_ABORTED_BY_CALLBACK where sourceFailed:
            kind = .bodyFailed
        case CURLE_OPERATION_TIMEDOUT:
            // A connection was made when curl timed it (this transfer's, or a reused one): the
            // server went quiet. Else the connection itself did not open in time.
            var connected: curl_off_t = 0
            reg_easy_getinfo_off(handle, CURLINFO_CONNECT_TIME_T, &connected)
            kind = connected > 0 || detail.contains("too slow") ? .noAnswer(seconds: timeout) : .connectTimeout(seconds: timeout)
        case CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
            CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM,
            // A reused connection broke while sending a body curl cannot send again itself.
            CURLE_SEND_FAIL_REWIND:
            kind = .connection
        default:
            kind = .other
        }
        return TransportError(kind: kind, url: request.url, detail: detail)
    }
}

private func transfer(_ userdata: UnsafeMutableRawPointer?) -> Transfer {
    Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
}

private let transferWrite: reg_curl_data_cb = { pointer, size, count, userdata in
    transfer(userdata).receive(UnsafeRawBufferPointer(start: pointer, count: size * count))
}

private let transferHeader: reg_curl_data_cb = { pointer, size, count, userdata in
    transfer(userdata).receiveHeader(UnsafeRawBufferPointer(start: pointer, count: size * count))
    return size * count
}

private let transferRead: reg_curl_data_cb = { pointer, size, count, userdata in
    guard let pointer else { return 0 }
    return transfer(userdata).send(into: UnsafeMutableRawBufferPointer(start: pointer, count: size * count))
}
