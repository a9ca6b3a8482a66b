public import Foundation

/// How the client talks to registries: TLS, retries, how many requests at once and how long to wait.
public struct ClientOptions: Sendable {
    public var tls: TLSOptions
    public var retry: RetryPolicy
    /// Requests in flight at most (`--jobs`).
    public var jobs: Int
    /// Seconds a connection may take to open, and a request may go without sending or receiving a
    /// byte, before the attempt fails (`--timeout`). Not a limit on the whole transfer: a large blob
    /// that keeps arriving takes as long as it takes.
    public var timeout: Int

    public init(tls: TLSOptions = .init(), retry: RetryPolicy = .init(), jobs: Int = 8, timeout: Int = 30) {
        self.tls = tls
        self.retry = retry
        self.jobs = jobs
        self.timeout = timeout
    }
}

/// What a HEAD or GET on a manifest tells: the descriptor of the manifest.
public struct ManifestHead: Sendable, Hashable {
    public var digest: Digest
    public var mediaType: String
    public var size: Int64

    public init(digest: Digest, mediaType: String, size: Int64) {
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
    }
}

/// The Registry HTTP API V2 / OCI Distribution client every tool shares.
///
/// Requests go through one libcurl engine; this type adds what the protocol needs
/// on top: authentication from the challenge, retries, the `--jobs` bound,
/// paging, digest checks and errors that name the input.
public final class RegistryClient: Sendable {
    public let options: ClientOptions
    private let credentials: CredentialStore
    private let authenticator: Authenticator
    private let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - log: receives one line per retry, for `--verbose`.
    public init(
        options: ClientOptions = .init(), credentials: CredentialStore, log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.options = options
        self.credentials = credentials
        self.log = log
        self.authenticator = Authenticator(credentials: credentials, allowsPlainRealm: options.tls.insecure) { request in
            try await RegistryClient.performWithRetries(request, options: options, log: log)
        }
    }

    /// Writes one line for `--verbose`.
    public func note(_ line: String) { log(line) }

    // MARK: - Sending

    /// This client's claim on the slots of `registry` (``HostSlots``): `--jobs` requests at once.
    public func slot(_ registry: RegistryAddress) -> HostSlots.Claim {
        HostSlots.Claim(host: registry.host, limit: options.jobs)
    }

    /// Sends one request to `registry`, authorized for `scope`, retrying as the policy says.
    /// Each attempt holds a slot of the registry's host; the pause before a retry does not.
    /// - Returns: the response, whatever its status.
    public func send(_ request: HTTPRequest, to registry: RegistryAddress, scope: AuthScope, what: String) async throws
        -> HTTPResponse
    {
        let claim = slot(registry)
        return try await RegistryClient.withRetries(request, options: options, log: log) {
            try await HostSlots.run([claim]) { try await self.attempt(request, to: registry, scope: scope, what: what) }
        }
    }

    /// One attempt: authorized from what the registry asked before, and once more when it
    /// answers 401 with a challenge the credentials can meet.
    private func attempt(_ request: HTTPRequest, to registry: RegistryAddress, scope: AuthScope, what: String) async throws
        -> HTTPResponse
    {
        if let folder = registry.folder { throw LayoutError.notARegistry(folder.description) }
        // The registry's credentials go to the registry's host only: an upload `Location` or a
        // redirect target elsewhere (object storage) gets the request without them.
        let ownHost = RegistryClient.isOwn(request.url, of: registry)
        var request = request
        if ownHost, let authorization = try await authenticator.authorization(registry: registry, scope: scope) {
            request.setHeader("Authorization", authorization)
        }
        var response = try await CurlEngine.shared.perform(request, tls: options.tls, timeout: options.timeout)
        guard response.status == 401 && ownHost else { return response }
        let challenge = response.header("WWW-Authenticate")
        if let authorization = try await authenticator.challenged(
            registry: registry, scope: scope, header: challenge, sent: request.header("Authorization")),
            authorization != request.header("Authorization"), RegistryClient.canRepeat(request)
        {
            request.setHeader("Authorization", authorization)
            request.sink?.reset()
            response = try await CurlEngine.shared.perform(request, tls: options.tls, timeout: options.timeout)
        } else if request.header("Authorization") == nil {
            throw RegistryError.unauthenticated(registry: registry.name, what: what)
        }
        if response.status == 401 {
            guard await authenticator.hasCredentials(host: registry.host) else {
                throw RegistryError.unauthenticated(registry: registry.name, what: what)
            }
            throw denied(registry, scope: scope, what: what, status: 401)
        }
        return response
    }

    /// True when the request can go again: its body can be re-read and its sink can forget
    /// what it took. A blob pipe's cannot: its retries are the pipe's own (``BlobPipe``).
    static func canRepeat(_ request: HTTPRequest) -> Bool {
        (request.body?.canRewind ?? true) && (request.sink?.canReset ?? true)
    }

    /// True when `url` is on the registry's own origin (scheme, host and port), where its
    /// credentials may go: not its host over plain HTTP when it speaks HTTPS.
    static func isOwn(_ url: String, of registry: RegistryAddress) -> Bool {
        url.lowercased().hasPrefix(registry.plainHTTP ? "http://" : "https://")
            && TransportError.hostPart(of: url).lowercased() == registry.host.lowercased()
    }

    /// Sends `request` as is (a token request), retrying as the policy says.
    static func performWithRetries(_ request: HTTPRequest, options: ClientOptions, log: @Sendable (String) -> Void)
        async throws -> HTTPResponse
    {
        try await withRetries(request, options: options, log: log) {
            try await CurlEngine.shared.perform(request, tls: options.tls, timeout: options.timeout)
        }
    }

    /// Runs `attempt` until it answers with a status that is not worth a retry, or it fails
    /// with a transport error that is not transient, or the retries are spent. A request that
    /// cannot go again (``canRepeat(_:)``, asked after each attempt) gets no more.
    static func withRetries(
        _ request: HTTPRequest, options: ClientOptions, log: @Sendable (String) -> Void,
        attempt: () async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        let retry = options.retry
        let retries = retry.retries
        var attempts = 0
        while true {
            let pause: Double
            do {
                let response = try await attempt()
                guard RetryPolicy.isRetryable(status: response.status), attempts < retries, canRepeat(request) else {
                    return response
                }
                pause = retry.delay(attempt: attempts, retryAfter: response.header("Retry-After"))
                log(
                    "\(request.method.rawValue) \(request.url): HTTP \(response.status), retry \(attempts + 1)/\(retries) in \(String(format: "%.1f", pause)) s"
                )
            } catch let error as TransportError where error.isTransient && attempts < retries && canRepeat(request) {
                pause = retry.delay(attempt: attempts)
                log(
                    "\(request.method.rawValue) \(request.url): \(error.detail), retry \(attempts + 1)/\(retries) in \(String(format: "%.1f", pause)) s"
                )
            }
            attempts += 1
            request.sink?.reset()
            try await HostSlots.pause(seconds: pause)
        }
    }

    /// Sends one request (as ``send(_:to:scope:what:)``) and expects a 2xx answer.
    /// - Parameter allowing: statuses besides 2xx the caller handles itself (404 for "gone").
    /// - Returns: the response.
    /// - Throws: the ``RegistryError`` any other status means (``failure(_:registry:scope:what:method:)``).
    @discardableResult
    func expect(
        _ request: HTTPRequest, to registry: RegistryAddress, scope: AuthScope, what: String, allowing: Set<Int> = []
    ) async throws -> HTTPResponse {
        let response = try await send(request, to: registry, scope: scope, what: what)
        guard response.isSuccess || allowing.contains(response.status) else {
            throw failure(response, registry: registry, scope: scope, what: what, method: request.method)
        }
        return response
    }

    /// Turns a response that is not 2xx into the error it means.
    func failure(_ response: HTTPResponse, registry: RegistryAddress, scope: AuthScope, what: String, method: HTTPRequest.Method)
        -> RegistryError
    {
        let code = RegistryClient.errorCode(response.body)
        switch response.status {
        case 404:
            return .notFound(what: what, code: code)
        case 401, 403:
            return denied(registry, scope: scope, what: what, status: response.status)
        case 405 where method == .delete:
            return .deletionDisabled(registry: registry.name)
        default:
            return .unexpected(what: what, status: response.status, message: RegistryClient.errorMessage(response))
        }
    }

    /// A 401 or 403 that means "not allowed": names the permission and where the credentials came from.
    private func denied(_ registry: RegistryAddress, scope: AuthScope, what: String, status: Int) -> RegistryError {
        // Repository scopes read well as their actions ("pull", "delete"); others by their name.
        let permission = scope.value.hasPrefix("repository:") ? scope.actions : scope.value
        return .denied(
            registry: registry.name, what: what, action: permission, status: status,
            credentials: credentials.source(for: registry.host))
    }

    private struct ErrorBody: Decodable {
        struct Entry: Decodable {
            var code: String?
            var message: String?
        }
        var errors: [Entry]?
    }

    /// The first `code` of a registry error body.
    static func errorCode(_ body: Data) -> String? {
        (try? JSONDecoder().decode(ErrorBody.self, from: body))?.errors?.first?.code
    }

    /// What an error answer says, in one line: what its body says (below), or when that is
    /// nothing readable, the status line's reason phrase (`Bad Gateway`).
    static func errorMessage(_ response: HTTPResponse) -> String {
        let text = errorMessage(response.body)
        return text.isEmpty ? response.reason : text
    }

    /// `CODE: message` from a registry error body; the `<title>` of an HTML page (a proxy's or
    /// load balancer's error page), or nothing when it has none; else the body's first line.
    static func errorMessage(_ body: Data) -> String {
        if let entry = (try? JSONDecoder().decode(ErrorBody.self, from: body))?.errors?.first {
            return [entry.code, entry.message].compactMap { $0 }.joined(separator: ": ")
        }
        if let markup = HTMLText(body) { return markup.title ?? "" }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }

    // MARK: - Paging

    /// Reads every page of a list endpoint as ``Paging`` says, handing each page's new
    /// entries to `each`.
    /// - Parameters:
    ///   - base: the endpoint's URL without query.
    ///   - entries: the list in one decoded page.
    /// - Throws: when a page fails, is not the JSON the API defines, or links to another host:
    ///   a listing is complete or it is an error.
    func pages<T: Decodable & Sendable>(
        _ base: String, registry: RegistryAddress, scope: AuthScope, what: String, as type: T.Type,
        entries: (T) -> [String], each: ([String]) async throws -> Void
    ) async throws {
        var sizes = Paging.pageSizes[...]
        var pageSize = sizes.popFirst()!
        var url: String? = Paging.firstURL(base, pageSize: pageSize)
        var requested: Set<String> = []
        var seen: Set<String> = []
        while let current = url {
            try RegistryClient.firstVisit(current, &requested, what: what)
            let response = try await send(HTTPRequest(.get, current), to: registry, scope: scope, what: what)
            if response.status == 400, seen.isEmpty, let smaller = sizes.popFirst() {
                // Some registries refuse a large `n` (quay above 100): ask again with less, then with none.
                pageSize = smaller
                url = Paging.firstURL(base, pageSize: pageSize)
                continue
            }
            guard response.isSuccess else {
                throw failure(response, registry: registry, scope: scope, what: what, method: .get)
            }
            guard let page = try? JSONDecoder().decode(T.self, from: response.body) else {
                throw RegistryError.unexpected(
                    what: what, status: response.status, message: "answer is not the JSON the API defines")
            }
            let listed = entries(page)
            let fresh = listed.filter { seen.insert($0).inserted }
            if !fresh.isEmpty { try await each(fresh) }
            if let next = try RegistryClient.nextPage(response, of: current, registry: registry, what: what) {
                url = next
            } else if fresh.isEmpty && !listed.isEmpty {
                // The same page again: a registry that ignores `last`. It was the whole list only
                // when the registry ignores `n` too, which a smaller `n` shows.
                guard let pageSize, pageSize > 1,
                    try await pageCount(Paging.firstURL(base, pageSize: pageSize - 1), registry, scope, what, type, entries)
                        >= pageSize
                else {
                    throw RegistryError.unexpected(
                        what: what, status: response.status,
                        message: "the registry ignores last= and pages by n without a Link: the list cannot be read whole")
                }
                url = nil
            } else {
                url = Paging.continuation(base, entries: listed, pageSize: pageSize)
            }
        }
    }

    /// Refuses a page already read: a link back to one would loop, and stopping would pass the
    /// pages not read yet for the end of the list.
    static func firstVisit(_ url: String, _ requested: inout Set<String>, what: String) throws {
        guard requested.insert(url).inserted else {
            throw RegistryError.unexpected(
                what: what, status: 200, message: "the next page link leads back to a page already read: \(url)")
        }
    }

    /// The page `response` links to as `next`, on the registry's own host: credentials belong
    /// to the registry, so a page link elsewhere is an error, never followed.
    static func nextPage(_ response: HTTPResponse, of url: String, registry: RegistryAddress, what: String) throws -> String? {
        guard let next = LinkHeader.next(response.headerValues("Link"), requestURL: url) else { return nil }
        guard isOwn(next, of: registry) else {
            throw RegistryError.unexpected(
                what: what, status: response.status, message: "next page link leads to another host: \(next)")
        }
        return next
    }

    /// How many entries the page at `url` holds.
    private func pageCount<T: Decodable & Sendable>(
        _ url: String, _ registry: RegistryAddress, _ scope: AuthScope, _ what: String, _ type: T.Type,
        _ entries: (T) -> [String]
    ) async throws -> Int {
        let response = try await expect(HTTPRequest(.get, url), to: registry, scope: scope, what: what)
        guard let page = try? JSONDecoder().decode(T.self, from: response.body) else {
            throw RegistryError.unexpected(what: what, status: response.status, message: "answer is not the JSON the API defines")
        }
        return entries(page).count
    }

    private struct CatalogPage: Decodable, Sendable { var repositories: [String]? }
    private struct TagsPage: Decodable, Sendable { var tags: [String]? }

    /// Lists the repositories of `registry`, page by page, as the pages arrive.
    public func catalog(_ registry: RegistryAddress, each: ([String]) async throws -> Void) async throws {
        try await pages(
            registry.baseURL + "/v2/_catalog", registry: registry, scope: .catalog, what: "\(registry.name) catalog",
            as: CatalogPage.self, entries: { $0.repositories ?? [] }, each: each)
    }

    /// Lists the tags of `repo`, page by page. A repository whose tags were all deleted
    /// (`"tags": null`) has none.
    public func tags(_ registry: RegistryAddress, repo: String, each: ([String]) async throws -> Void) async throws {
        try await pages(
            registry.baseURL + "/v2/\(repo)/tags/list", registry: registry, scope: .pull(repo),
            what: "\(registry.name)/\(repo)", as: TagsPage.self, entries: { $0.tags ?? [] }, each: each)
    }

    // MARK: - Manifests

    private func manifestURL(_ registry: RegistryAddress, _ repo: String, _ reference: String) -> String {
        registry.baseURL + "/v2/\(repo)/manifests/\(reference)"
    }

    /// The digest, media type and size of a manifest, by HEAD (one request, no body).
    /// Falls back to GET when the registry does not send `Docker-Content-Digest`.
    public func head(_ registry: RegistryAddress, repo: String, reference: String) async throws -> ManifestHead {
        let what = ImageReference.display(registry, repo, reference)
        let request = HTTPRequest(
            .head, manifestURL(registry, repo, reference), headers: [("Accept", MediaType.manifestAcceptHeader)])
        let response = try await expect(request, to: registry, scope: .pull(repo), what: what)
        // A type that is missing or generic (`application/json`) says nothing of an index's
        // children: the content decides, so read it.
        guard let digest = response.header("Docker-Content-Digest").flatMap(Digest.init),
            let type = response.header("Content-Type").map(MediaType.normalize),
            MediaType.acceptedManifests.contains(type),
            let size = response.header("Content-Length").flatMap(Int64.init)
        else {
            return try await manifest(registry, repo: repo, reference: reference).head
        }
        if let expected = Digest(reference), expected != digest {
            throw RegistryError.digestMismatch(what: what, expected: expected.description, actual: digest.description)
        }
        return ManifestHead(digest: digest, mediaType: type, size: size)
    }

    /// A manifest's bytes, checked against the digest it was asked by (or the one
    /// the registry names for a tag).
    public func manifest(_ registry: RegistryAddress, repo: String, reference: String) async throws -> (
        head: ManifestHead, body: Data
    ) {
        let what = ImageReference.display(registry, repo, reference)
        let request = HTTPRequest(
            .get, manifestURL(registry, repo, reference), headers: [("Accept", MediaType.manifestAcceptHeader)])
        let response = try await expect(request, to: registry, scope: .pull(repo), what: what)
        let actual = Digest(of: response.body)
        let claimed = Digest(reference) ?? response.header("Docker-Content-Digest").flatMap(Digest.init)
        var type = response.header("Content-Type").map(MediaType.normalize) ?? ""
        if !MediaType.acceptedManifests.contains(type),
            let inferred = try? Manifest.parse(response.body, reference: what).inferredMediaType
        {
            type = inferred
        }
        if let claimed, claimed != actual, !MediaType.isSchema1(type) {
            // Schema 1 digests cover the payload without its signature; only those are exempt.
            throw RegistryError.digestMismatch(what: what, expected: claimed.description, actual: actual.description)
        }
        let digest = MediaType.isSchema1(type) ? (claimed ?? actual) : actual
        return (ManifestHead(digest: digest, mediaType: type, size: Int64(response.body.count)), response.body)
    }

    /// Stores a manifest under `reference` (a tag or its digest).
    /// - Returns: the manifest's digest.
    @discardableResult
    public func putManifest(_ registry: RegistryAddress, repo: String, reference: String, body: Data, mediaType: String)
        async throws -> Digest
    {
        let what = ImageReference.display(registry, repo, reference)
        let request = HTTPRequest(
            .put, manifestURL(registry, repo, reference), headers: [("Content-Type", mediaType)], body: DataSource(body))
        try await expect(request, to: registry, scope: .push(repo), what: what)
        return Digest(of: body)
    }

    /// Deletes a manifest by digest (every tag pointing at it goes with it), or a
    /// tag alone where the registry supports OCI tag deletion.
    /// - Returns: false when it was already gone (404), so re-runs converge.
    @discardableResult
    public func deleteManifest(_ registry: RegistryAddress, repo: String, reference: String) async throws -> Bool {
        let what = ImageReference.display(registry, repo, reference)
        let request = HTTPRequest(.delete, manifestURL(registry, repo, reference))
        let response = try await expect(request, to: registry, scope: .delete(repo), what: what, allowing: [404])
        if response.status == 404 { return false }
        return true
    }

    /// The manifests whose `subject` is `digest`, from the OCI 1.1 referrers API
    /// (`GET /v2/REPO/referrers/DIGEST`, every page its `Link` names); nil when the registry has
    /// no such API (404 or 405: distribution 2.x), so the caller looks for ``ReferrerTag``s.
    public func referrers(_ registry: RegistryAddress, repo: String, subject: Digest) async throws -> [Descriptor]? {
        let what = "\(registry.name)/\(repo)@\(subject) referrers"
        var url: String? = registry.baseURL + "/v2/\(repo)/referrers/\(subject)"
        var found: [Descriptor] = []
        var requested: Set<String> = []
        while let current = url {
            try RegistryClient.firstVisit(current, &requested, what: what)
            let request = HTTPRequest(.get, current, headers: [("Accept", MediaType.ociIndex)])
            let response = try await expect(request, to: registry, scope: .pull(repo), what: what, allowing: [404, 405])
            guard response.isSuccess else { return nil }
            guard let index = try? JSONDecoder().decode(Manifest.self, from: response.body), let listed = index.manifests else {
                throw RegistryError.unexpected(what: what, status: response.status, message: "answer is not an OCI index")
            }
            found += listed
            url = try RegistryClient.nextPage(response, of: current, registry: registry, what: what)
        }
        return found
    }

    // MARK: - Blobs

    /// Fetches a blob into `sink` (or only hashes it), checking its digest and, when given,
    /// its size. A connection that breaks after some bytes arrived is resumed with `Range`
    /// (``BlobFeed``): the sink sees each byte once, so it may be a pipe into an upload.
    /// - Parameter size: the size its descriptor says; a response of another length is refused
    ///   before its body starts.
    /// - Returns: the number of bytes.
    @discardableResult
    public func blob(
        _ registry: RegistryAddress, repo: String, digest: Digest, size: Int64? = nil, into sink: (any BodySink)? = nil
    ) async throws -> Int64 {
        let what = "\(registry.name)/\(repo)@\(digest)"
        let feed = BlobFeed(digest: digest, size: size, what: what, next: sink)
        var resumes = 0
        while true {
            var request = HTTPRequest(.get, registry.baseURL + "/v2/\(repo)/blobs/\(digest)", sink: feed)
            if let range = feed.range { request.setHeader("Range", range) }
            let pause: Double
            do {
                try await expect(request, to: registry, scope: .pull(repo), what: what)
                return try feed.finish()
            } catch let error as TransportError where error.kind == .bodyRejected && feed.refusal != nil {
                throw feed.refusal!
            } catch let error as TransportError
                where error.isTransient && feed.delivered > 0 && resumes < options.retry.retries
            {
                pause = options.retry.delay(attempt: resumes)
                log(
                    "GET \(request.url): \(error.detail) after \(feed.delivered) bytes, resuming \(resumes + 1)/\(options.retry.retries) in \(String(format: "%.1f", pause)) s"
                )
            }
            resumes += 1
            try await HostSlots.pause(seconds: pause)
        }
    }

    /// True when the repository already holds the blob.
    public func blobExists(_ registry: RegistryAddress, repo: String, digest: Digest) async throws -> Bool {
        let what = "\(registry.name)/\(repo)@\(digest)"
        let request = HTTPRequest(.head, registry.baseURL + "/v2/\(repo)/blobs/\(digest)")
        let response = try await expect(request, to: registry, scope: .push(repo), what: what, allowing: [404])
        if response.status == 404 { return false }
        return true
    }

    /// How an upload started: the blob was mounted from another repository, or a session waits for it.
    public enum UploadStart: Sendable, Equatable {
        case mounted
        /// The absolute URL to send the blob to (the answer's `Location`, resolved against the POST's URL).
        case session(String)
    }

    /// Starts a blob upload in `repo`: with `mount`, asks the registry to link the blob from
    /// another repository instead (`POST ...?mount=DIGEST&from=REPO`: 201 mounted, 202 not).
    public func startUpload(_ registry: RegistryAddress, repo: String, mount: (digest: Digest, from: String)? = nil)
        async throws -> UploadStart
    {
        let what = "\(registry.name)/\(repo) upload"
        var url = registry.baseURL + "/v2/\(repo)/blobs/uploads/"
        var scope = AuthScope.push(repo)
        if let mount {
            url += "?mount=\(mount.digest)&from=" + Paging.queryEscaped(mount.from)
            scope = .pushAndPull(repo, from: mount.from)
        }
        let response = try await send(HTTPRequest(.post, url), to: registry, scope: scope, what: what)
        if response.status == 201, mount != nil { return .mounted }
        guard response.status == 202, let location = response.header("Location") else {
            throw failure(response, registry: registry, scope: scope, what: what, method: .post)
        }
        return .session(LinkHeader.resolve(location, against: url))
    }

    /// Completes an upload session with the whole blob in one streamed `PUT`, which the
    /// registry checks against `digest`.
    public func finishUpload(_ registry: RegistryAddress, repo: String, session: String, digest: Digest, body: any BodySource)
        async throws
    {
        let what = "\(registry.name)/\(repo)@\(digest) upload"
        let url = session + (session.contains("?") ? "&" : "?") + "digest=" + digest.description
        let put = HTTPRequest(.put, url, headers: [("Content-Type", "application/octet-stream")], body: body)
        try await expect(put, to: registry, scope: .push(repo), what: what)
    }

    /// Sends the blob in `PATCH` pieces of `chunk` bytes, each to the `Location` the last one
    /// answered, then closes the session with an empty `PUT` the registry checks against
    /// `digest`: for a registry, or a proxy in front of it, that refuses a large body (413).
    public func uploadChunked(
        _ registry: RegistryAddress, repo: String, session: String, digest: Digest, body: any BodySource, chunk: Int64
    ) async throws {
        let what = "\(registry.name)/\(repo)@\(digest) upload"
        var location = session
        var offset: Int64 = 0
        while offset < body.length {
            let count = min(chunk, body.length - offset)
            let patch = HTTPRequest(
                .patch, location,
                headers: [("Content-Type", "application/octet-stream"), ("Content-Range", "\(offset)-\(offset + count - 1)")],
                body: BodySlice(body, length: count))
            let response = try await expect(patch, to: registry, scope: .push(repo), what: what)
            if let next = response.header("Location") { location = LinkHeader.resolve(next, against: location) }
            offset += count
        }
        let url = location + (location.contains("?") ? "&" : "?") + "digest=" + digest.description
        try await expect(HTTPRequest(.put, url), to: registry, scope: .push(repo), what: what)
    }
}

extension ImageReference {
    /// `registry/repo:tag` or `registry/repo@digest`, for messages.
    static func display(_ registry: RegistryAddress, _ repo: String, _ reference: String) -> String {
        "\(registry.name)/\(repo)\(reference.hasPrefix("sha256:") ? "@" : ":")\(reference)"
    }
}
