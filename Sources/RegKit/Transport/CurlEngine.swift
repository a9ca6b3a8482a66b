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
final class CurlEngine: @unchecked Sendable {
    /// The engine of this process.
    static let shared = CurlEngine()

    private let multi: UnsafeMutableRawPointer
    private let incoming = Mutex<[Transfer]>([])
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

    /// Sends `request` and waits for the whole response.
    /// - Parameter timeout: seconds to connect, and seconds the transfer may stall (see ``ClientOptions/timeout``).
    /// - Throws: ``TransportError`` when no HTTP answer came.
    func perform(_ request: HTTPRequest, tls: TLSOptions, timeout: Int) async throws -> HTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            let transfer = Transfer(request: request, tls: tls, timeout: timeout, continuation: continuation)
            incoming.withLock { $0.append(transfer) }
            curl_multi_wakeup(multi)
        }
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let arrived = incoming.withLock { queue -> [Transfer] in
                defer { queue.removeAll() }
                return queue
            }
            for transfer in arrived {
                guard let handle = transfer.makeHandle() else { continue }
                active[handle] = transfer
                curl_multi_add_handle(multi, handle)
            }
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
}

/// One request in flight: its easy handle and everything the callbacks need.
private final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    let tls: TLSOptions
    let timeout: Int
    let continuation: CheckedContinuation<HTTPResponse, any Error>
    var handle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var headers: [(name: String, value: String)] = []
    var reason = ""
    var errorBody = Data()
    var sinkRefused = false
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    let memory: MemorySink?

    init(
        request: HTTPRequest, tls: TLSOptions, timeout: Int, continuation: CheckedContinuation<HTTPResponse, any Error>
    ) {
        self.request = request
        self.tls = tls
        self.timeout = timeout
        self.continuation = continuation
        self.memory = request.sink == nil ? MemorySink() : nil
    }

    /// Configures an easy handle for the request, or answers the caller with the failure.
    func makeHandle() -> UnsafeMutableRawPointer? {
        guard let h = curl_easy_init() else {
            continuation.resume(throwing: TransportError(kind: .other, url: request.url, detail: "curl_easy_init failed"))
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
            body.rewind()
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

    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let status = self.status
        if (200..<300).contains(status) {
            let sink: any BodySink = request.sink ?? memory!
            if sink.write(bytes) { return true }
            sinkRefused = true
            return false
        }
        // Error bodies are small JSON; keep the first 64 KiB for the message.
        if errorBody.count < 65536 { errorBody.append(contentsOf: bytes.prefix(65536 - errorBody.count)) }
        return true
    }

    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (after a redirect or a 100)
            errorBody.removeAll()
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

    func send(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        request.body?.read(into: buffer) ?? 0
    }

    func complete(_ code: CURLcode) {
        defer {
            curl_easy_cleanup(handle)
            curl_slist_free_all(headerList)
        }
        guard code == CURLE_OK else {
            continuation.resume(throwing: error(for: code))
            return
        }
        var effective: UnsafeMutablePointer<CChar>?
        reg_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let status = self.status
        let body = (200..<300).contains(status) ? (memory?.data ?? Data()) : errorBody
        continuation.resume(
            returning: HTTPResponse(
                status: status, headers: headers, body: body, url: effective.map { String(cString: $0) } ?? request.url,
                reason: reason))
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
        case CURLE_OPERATION_TIMEDOUT:
            // A connection was made when curl timed it (this transfer's, or a reused one): the
            // server went quiet. Else the connection itself did not open in time.
            var connected: curl_off_t = 0
            reg_easy_getinfo_off(handle, CURLINFO_CONNECT_TIME_T, &connected)
            kind = connected > 0 || detail.contains("too slow") ? .noAnswer(seconds: timeout) : .connectTimeout(seconds: timeout)
        case CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
            CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
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
    let bytes = UnsafeRawBufferPointer(start: pointer, count: size * count)
    return transfer(userdata).receive(bytes) ? size * count : 0
}

private let transferHeader: reg_curl_data_cb = { pointer, size, count, userdata in
    transfer(userdata).receiveHeader(UnsafeRawBufferPointer(start: pointer, count: size * count))
    return size * count
}

private let transferRead: reg_curl_data_cb = { pointer, size, count, userdata in
    guard let pointer else { return 0 }
    return transfer(userdata).send(into: UnsafeMutableRawBufferPointer(start: pointer, count: size * count))
}
