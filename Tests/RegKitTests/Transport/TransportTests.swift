import Foundation
import Testing

@testable import RegKit

/// The client against a scripted HTTP server on a real loopback socket: retries,
/// authentication, paging, redirects and digest checks, as a registry would
/// exercise them but with the misbehaviour under the test's control.
@Suite("RegistryClient over a scripted server", .timeLimit(.minutes(1)))
struct TransportTests {
    static let user = Credentials(username: "alice", password: "s3cret:pw")
    static let basic = "Basic " + Data("alice:s3cret:pw".utf8).base64EncodedString()

    func client(retries: Int = 4, credentials: Credentials? = nil) -> RegistryClient {
        RegistryClient(
            options: ClientOptions(retry: RetryPolicy(retries: retries, baseDelay: 0.01)),
            credentials: CredentialStore(explicit: credentials, environment: [:]))
    }

    func registry(_ server: ScriptedServer) throws -> RegistryAddress { try RegistryAddress(server.origin) }

    /// All the tags of `repo`, every page.
    func tags(_ client: RegistryClient, _ server: ScriptedServer, repo: String = "a") async throws -> [String] {
        var all: [String] = []
        try await client.tags(try registry(server), repo: repo) { all += $0 }
        return all
    }

    static func tagsPage(_ tags: [String], repo: String = "a") -> String {
        #"{"name":"\#(repo)","tags":[\#(tags.map { "\"\($0)\"" }.joined(separator: ","))]}"#
    }

    // MARK: - Retries

    @Test("429 with Retry-After: 1 is retried once, after about a second")
    func tooManyRequests() async throws {
        let server = try ScriptedServer { request in
            request.index == 0 ? .status(429, headers: [("Retry-After", "1")]) : .json(TransportTests.tagsPage(["v1"]))
        }
        defer { server.stop() }
        let start = Date()
        let tags = try await tags(client(retries: 3), server)
        let elapsed = Date().timeIntervalSince(start)
        #expect(tags == ["v1"])
        #expect(server.requests.count == 2)
        #expect(elapsed >= 0.9, "Retry-After: 1 was not honoured (\(elapsed) s)")
    }

    @Test("503 three times, then 200: retried with enough retries")
    func unavailableThenSuccess() async throws {
        let server = try ScriptedServer { request in
            request.index < 3 ? .status(503, body: "busy") : .json(TransportTests.tagsPage(["v1", "v2"]))
        }
        defer { server.stop() }
        #expect(try await tags(client(retries: 4), server) == ["v1", "v2"])
        #expect(server.requests.count == 4)
        #expect(Set(server.requests.map(\.target)).count == 1, "the same request each time")
    }

    @Test("503 beyond the retries comes back as an error naming the status")
    func unavailableTooLong() async throws {
        let server = try ScriptedServer { _ in .json(#"{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}"#, status: 503) }
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) { try await tags(client(retries: 1), server) }
        guard case .unexpected(let what, let status, let message) = error else {
            Issue.record("expected .unexpected, got \(String(describing: error))")
            return
        }
        #expect(status == 503)
        #expect(message == "UNAVAILABLE: try later")
        #expect(what == "\(server.origin)/a")
        #expect(server.requests.count == 2, "one try and one retry")
    }

    @Test("404 is never retried")
    func notFoundOnce() async throws {
        let server = try ScriptedServer { _ in
            .json(#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#, status: 404)
        }
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) { try await tags(client(retries: 4), server, repo: "team/gone") }
        #expect(error == .notFound(what: "\(server.origin)/team/gone", code: "NAME_UNKNOWN"))
        #expect(server.requests.count == 1)
    }

    @Test("a connection reset is retried")
    func resetRetried() async throws {
        let server = try ScriptedServer { request in request.index == 0 ? .reset : .json(TransportTests.tagsPage(["v1"])) }
        defer { server.stop() }
        #expect(try await tags(client(retries: 2), server) == ["v1"])
        #expect(server.requests.count == 2)
    }

    @Test("a connection reset without retries is a connection error")
    func resetWithoutRetries() async throws {
        let server = try ScriptedServer { _ in .reset }
        defer { server.stop() }
        let error = await #expect(throws: TransportError.self) { try await tags(client(retries: 0), server) }
        #expect(error?.kind == .connection)
        #expect(error?.isTransient == true)
        #expect(error?.description.contains("127.0.0.1:\(server.port)") == true)
        #expect(server.requests.count == 1)
    }

    @Test("a truncated body is an error, and a retry starts the body over")
    func truncatedBody() async throws {
        let content = Array("0123456789".utf8) + Array(repeating: UInt8(ascii: "x"), count: 90)
        let digest = Digest(of: content)
        let server = try ScriptedServer { request in
            request.index == 0
                ? .truncated(status: 200, headers: [], declaredLength: 100, body: Array(content.prefix(10)))
                : .bytes(content)
        }
        defer { server.stop() }
        let memory = MemorySink()
        // Had the 10 bytes of the first try stayed in the sink, the digest would not match.
        let count = try await client(retries: 2).blob(try registry(server), repo: "a", digest: digest, into: memory)
        #expect(count == 100)
        #expect(Array(memory.data) == content)
        #expect(server.requests.count == 2)

        let failing = try ScriptedServer { _ in
            .truncated(status: 200, headers: [], declaredLength: 100, body: Array(content.prefix(10)))
        }
        defer { failing.stop() }
        let error = await #expect(throws: TransportError.self) {
            try await client(retries: 0).blob(try registry(failing), repo: "a", digest: digest)
        }
        #expect(error?.kind == .connection)
        #expect(failing.requests.count == 1)
    }

    // MARK: - Authentication

    /// A registry that wants HTTP Basic with `TransportTests.user`.
    func basicServer() throws -> ScriptedServer {
        try ScriptedServer { request in
            guard request.header("Authorization") == TransportTests.basic else {
                return .json(
                    #"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#, status: 401,
                    headers: [("WWW-Authenticate", #"Basic realm="x""#)])
            }
            return .json(TransportTests.tagsPage(["v1"]))
        }
    }

    @Test("Basic: the challenge is answered with the credentials, then sent up front")
    func basicAuth() async throws {
        let server = try basicServer()
        defer { server.stop() }
        let client = client(credentials: TransportTests.user)
        #expect(try await tags(client, server) == ["v1"])
        #expect(server.requests.map { $0.header("Authorization") } == [nil, TransportTests.basic])
        #expect(try await tags(client, server) == ["v1"])
        #expect(server.requests.count == 3, "the scheme is known now: no second challenge")
        #expect(server.requests[2].header("Authorization") == TransportTests.basic)
    }

    @Test("Basic without credentials: unauthenticated, saying how to log in")
    func basicWithoutCredentials() async throws {
        let server = try basicServer()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) { try await tags(client(), server) }
        #expect(error == .unauthenticated(registry: server.origin, what: "\(server.origin)/a"))
        #expect(error?.isTrouble == true)
        #expect(error?.description.contains("--username") == true)
        #expect(server.requests.count == 1)
    }

    @Test("Basic with a wrong password: denied, not unauthenticated")
    func basicWrongPassword() async throws {
        let server = try basicServer()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            try await tags(client(credentials: Credentials(username: "alice", password: "wrong")), server)
        }
        guard case .denied(_, _, _, let status, _) = error else {
            Issue.record("expected .denied, got \(String(describing: error))")
            return
        }
        #expect(status == 401)
        #expect(server.requests.count == 2)
    }

    @Test("Bearer: a token from the realm, for the scope, cached for the next call")
    func bearer() async throws {
        let server = try ScriptedServer { request in
            if request.path == "/token" { return .json(#"{"token":"T","expires_in":300}"#) }
            guard request.header("Authorization") == "Bearer T" else {
                let challenge = #"Bearer realm="\#(request.origin)/token",service="svc",scope="repository:a:pull""#
                return .json(#"{"errors":[{"code":"UNAUTHORIZED"}]}"#, status: 401, headers: [("WWW-Authenticate", challenge)])
            }
            return .json(TransportTests.tagsPage(["v1"]))
        }
        defer { server.stop() }
        let client = client()
        #expect(try await tags(client, server) == ["v1"])
        #expect(try await tags(client, server) == ["v1"])

        let tokenRequests = server.requests(to: "/token")
        #expect(tokenRequests.count == 1, "the second call reuses the cached token")
        let query = try #require(tokenRequests.first).query
        #expect(query["service"] == "svc")
        #expect(query["scope"] == "repository:a:pull")
        #expect(query["account"] == nil, "anonymous: no account")
        #expect(tokenRequests.first?.header("Authorization") == nil)

        let listing = server.requests(to: "/v2/a/tags/list").map { $0.header("Authorization") }
        #expect(listing == [nil, "Bearer T", "Bearer T"])
    }

    @Test("Bearer with credentials: the token request carries Basic and the account")
    func bearerWithCredentials() async throws {
        let server = try ScriptedServer { request in
            if request.path == "/token" {
                return request.header("Authorization") == TransportTests.basic
                    ? .json(#"{"access_token":"U"}"#) : .status(401)
            }
            guard request.header("Authorization") == "Bearer U" else {
                let challenge = #"Bearer realm="\#(request.origin)/token",service="svc""#
                return .status(401, headers: [("WWW-Authenticate", challenge)])
            }
            return .json(TransportTests.tagsPage(["v1"]))
        }
        defer { server.stop() }
        #expect(try await tags(client(credentials: TransportTests.user), server) == ["v1"])
        let token = try #require(server.requests(to: "/token").first)
        #expect(token.query["account"] == "alice")
        #expect(token.query["scope"] == "repository:a:pull")
    }

    // MARK: - Paging

    @Test("tags/list in three pages through Link headers")
    func paging() async throws {
        let server = try ScriptedServer { request in
            switch request.query["last"] {
            case nil:
                return .json(
                    TransportTests.tagsPage(["t1", "t2"]), headers: [("Link", #"</v2/a/tags/list?last=t2&n=2>; rel="next""#)])
            case "t2":
                return .json(
                    TransportTests.tagsPage(["t3", "t4"]), headers: [("Link", #"</v2/a/tags/list?last=t4&n=2>; rel="next""#)])
            default:
                return .json(TransportTests.tagsPage(["t5"]))
            }
        }
        defer { server.stop() }
        var pages: [[String]] = []
        try await client().tags(try registry(server), repo: "a") { pages.append($0) }
        #expect(pages == [["t1", "t2"], ["t3", "t4"], ["t5"]])
        #expect(
            server.requests.map(\.target) == [
                "/v2/a/tags/list?n=1000", "/v2/a/tags/list?last=t2&n=2", "/v2/a/tags/list?last=t4&n=2",
            ])
    }

    @Test("the catalog follows its Link too")
    func catalogPaging() async throws {
        let server = try ScriptedServer { request in
            request.query["last"] == nil
                ? .json(#"{"repositories":["a","b/c"]}"#, headers: [("Link", #"</v2/_catalog?last=b%2Fc&n=1000>; rel="next""#)])
                : .json(#"{"repositories":["d"]}"#)
        }
        defer { server.stop() }
        var repositories: [String] = []
        try await client().catalog(try registry(server)) { repositories += $0 }
        #expect(repositories == ["a", "b/c", "d"])
        #expect(server.requests.last?.query["last"] == "b/c")
    }

    /// A registry holding `count` tags (`t0000`...) that honours `n` and `last` as the OCI spec
    /// allows: with a `Link` or without, refusing `n` above `maxN` with 400, or ignoring both.
    func pagingServer(count: Int, link: Bool, maxN: Int = 1000, honoursPaging: Bool = true) throws -> ScriptedServer {
        let all = (0..<count).map { String(format: "t%04d", $0) }
        return try ScriptedServer { request in
            guard honoursPaging else { return .json(TransportTests.tagsPage(all)) }
            let n = request.query["n"].flatMap(Int.init) ?? 50
            guard n <= maxN else {
                return .json(#"{"errors":[{"code":"TOO_MANY_TAGS","message":"n is too large"}]}"#, status: 400)
            }
            let after = request.query["last"]
            let page = Array(all.filter { after == nil || $0 > after! }.prefix(n))
            var headers: [(String, String)] = []
            if link, page.count == n, let last = page.last, last != all.last {
                headers.append(("Link", #"</v2/a/tags/list?n=\#(n)&last=\#(last)>; rel = "next""#))
            }
            return .json(TransportTests.tagsPage(page), headers: headers)
        }
    }

    @Test("n and last honoured without any Link: full pages are followed with last=, all 1,501 tags")
    func pagingWithoutLink() async throws {
        let server = try pagingServer(count: 1501, link: false)
        defer { server.stop() }
        let listed = try await tags(client(), server)
        #expect(listed.count == 1501)
        #expect(Set(listed).count == 1501)
        #expect(server.requests.map(\.target) == ["/v2/a/tags/list?n=1000", "/v2/a/tags/list?n=1000&last=t0999"])
    }

    @Test("a Link with white space around = (RFC 8288) is followed")
    func pagingLinkWithSpaces() async throws {
        let server = try pagingServer(count: 2500, link: true)
        defer { server.stop() }
        #expect(try await tags(client(), server).count == 2500)
        #expect(server.requests.count == 3)
    }

    @Test("a registry refusing n above 100 (400 TOO_MANY_TAGS) is asked with n=100, every page")
    func pagingRefusedPageSize() async throws {
        let server = try pagingServer(count: 250, link: false, maxN: 100)
        defer { server.stop() }
        #expect(try await tags(client(), server).count == 250)
        #expect(
            server.requests.map(\.target) == [
                "/v2/a/tags/list?n=1000", "/v2/a/tags/list?n=100", "/v2/a/tags/list?n=100&last=t0099",
                "/v2/a/tags/list?n=100&last=t0199",
            ])
    }

    @Test("a registry refusing every n is asked without one, as skopeo asks")
    func pagingRefusedEveryPageSize() async throws {
        let server = try pagingServer(count: 120, link: true, maxN: 60)
        defer { server.stop() }
        #expect(try await tags(client(), server).count == 120)
        #expect(
            Array(server.requests.map(\.target).prefix(3)) == [
                "/v2/a/tags/list?n=1000", "/v2/a/tags/list?n=100", "/v2/a/tags/list",
            ])
    }

    @Test("a registry that ignores n and last, with exactly n tags: asked once more and with a smaller n, no tag twice")
    func pagingIgnored() async throws {
        let server = try pagingServer(count: 1000, link: false, honoursPaging: false)
        defer { server.stop() }
        let listed = try await tags(client(), server)
        #expect(listed.count == 1000)
        #expect(
            server.requests.map(\.target) == [
                "/v2/a/tags/list?n=1000", "/v2/a/tags/list?n=1000&last=t0999", "/v2/a/tags/list?n=999",
            ])
    }

    @Test("a registry that honours n but ignores last: an error, not its first page taken for the whole list")
    func pagingIgnoresLastOnly() async throws {
        let all = (0..<1500).map { String(format: "t%04d", $0) }
        let server = try ScriptedServer { request in
            .json(TransportTests.tagsPage(Array(all.prefix(request.query["n"].flatMap(Int.init) ?? 50))))
        }
        defer { server.stop() }
        var listed: [String] = []
        await #expect(throws: RegistryError.self) {
            try await client().tags(try registry(server), repo: "a") { listed += $0 }
        }
        #expect(listed.count == 1000, "what it did list came out before the error")
    }

    @Test("a Link back to a page already read is an error, not the end of the listing")
    func pagingLinkLoop() async throws {
        let server = try ScriptedServer { _ in
            .json(TransportTests.tagsPage(["t1", "t2"]), headers: [("Link", #"</v2/a/tags/list?last=t2&n=2>; rel="next""#)])
        }
        defer { server.stop() }
        await #expect(throws: RegistryError.self) { try await tags(client(), server) }
    }

    @Test("a repository whose tags were all deleted (tags: null) has none")
    func pagingNullTags() async throws {
        let server = try ScriptedServer { _ in .json(#"{"name":"a","tags":null}"#) }
        defer { server.stop() }
        #expect(try await tags(client(), server) == [])
    }

    @Test("a Link to another host is refused")
    func pagingToAnotherHost() async throws {
        let elsewhere = try ScriptedServer { _ in .json(TransportTests.tagsPage(["stolen"])) }
        defer { elsewhere.stop() }
        let server = try ScriptedServer { _ in
            .json(
                TransportTests.tagsPage(["t1"]),
                headers: [("Link", #"<\#(elsewhere.origin)/v2/a/tags/list?last=t1>; rel="next""#)])
        }
        defer { server.stop() }
        var pages: [[String]] = []
        let error = await #expect(throws: RegistryError.self) {
            try await client(credentials: TransportTests.user).tags(try registry(server), repo: "a") { pages.append($0) }
        }
        guard case .unexpected(_, _, let message) = error else {
            Issue.record("expected .unexpected, got \(String(describing: error))")
            return
        }
        #expect(message.contains("another host"))
        #expect(pages == [["t1"]])
        #expect(elsewhere.requests.isEmpty)
    }

    // MARK: - Redirects and digests

    /// A registry that wants Basic and redirects every blob GET to `storage`.
    func redirectingServer(to storage: ScriptedServer) throws -> ScriptedServer {
        try ScriptedServer { request in
            guard request.header("Authorization") == TransportTests.basic else {
                return .status(401, headers: [("WWW-Authenticate", #"Basic realm="x""#)])
            }
            let name = request.path.split(separator: "/").last.map(String.init) ?? ""
            return .status(307, headers: [("Location", "\(storage.origin)/storage/\(name)?sig=abc")], body: "see elsewhere")
        }
    }

    @Test("every request says User-Agent: reg/VERSION")
    func userAgent() async throws {
        let server = try ScriptedServer { _ in .json(TransportTests.tagsPage(["v1"])) }
        defer { server.stop() }
        _ = try await tags(client(), server)
        #expect(server.requests.first?.header("User-Agent") == "reg/\(RegVersion.current)")
    }

    @Test("a manifest HEAD typed application/json is read by GET and typed by its content")
    func genericManifestType() async throws {
        let index = Data(
            #"{"schemaVersion":2,"manifests":[{"mediaType":"\#(MediaType.ociManifest)","digest":"sha256:\#(String(repeating: "a", count: 64))","size":2}]}"#
                .utf8)
        let digest = Digest(of: index)
        let server = try ScriptedServer { request in
            .bytes(
                Array(index),
                headers: [("Content-Type", "application/json"), ("Docker-Content-Digest", digest.description)])
        }
        defer { server.stop() }
        let head = try await client().head(try registry(server), repo: "a", reference: "1.0")
        #expect(head.mediaType == MediaType.ociIndex)
        #expect(head.digest == digest)
        #expect(server.requests.map(\.method) == ["HEAD", "GET"])
    }

    @Test("a redirected blob GET: no credentials for the other host, content checked")
    func redirect() async throws {
        let content = Array("layer bytes".utf8)
        let storage = try ScriptedServer { _ in .bytes(content, headers: [("Content-Type", "application/octet-stream")]) }
        defer { storage.stop() }
        let server = try redirectingServer(to: storage)
        defer { server.stop() }
        let digest = Digest(of: content)
        let source = RegistryStore(registry: try registry(server), client: client(credentials: TransportTests.user))
        let data = try await source.blobData("a", digest: digest)
        #expect(Array(data) == content)
        #expect(server.requests.last?.header("Authorization") == TransportTests.basic, "the registry did get credentials")
        let fetched = try #require(storage.requests.first)
        #expect(storage.requests.count == 1)
        #expect(fetched.target == "/storage/\(digest)?sig=abc")
        #expect(fetched.header("Authorization") == nil, "credentials went to another host")
    }

    @Test("a redirected blob whose content is not its digest is refused")
    func redirectDigestMismatch() async throws {
        let storage = try ScriptedServer { _ in .bytes(Array("tampered".utf8)) }
        defer { storage.stop() }
        let server = try redirectingServer(to: storage)
        defer { server.stop() }
        let digest = Digest(of: Array("layer bytes".utf8))
        let error = await #expect(throws: RegistryError.self) {
            try await client(credentials: TransportTests.user).blob(try registry(server), repo: "a", digest: digest)
        }
        #expect(
            error
                == .digestMismatch(
                    what: "\(server.origin)/a@\(digest)", expected: digest.description,
                    actual: Digest(of: Array("tampered".utf8)).description))
    }

    static let manifest =
        #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2},"layers":[]}"#

    @Test("a manifest GET by digest returns the checked manifest, asking for every type")
    func manifestByDigest() async throws {
        let body = Array(TransportTests.manifest.utf8)
        let digest = Digest(of: body)
        let server = try ScriptedServer { _ in
            .bytes(body, headers: [("Content-Type", MediaType.ociManifest), ("Docker-Content-Digest", digest.description)])
        }
        defer { server.stop() }
        let (head, data) = try await client().manifest(try registry(server), repo: "a", reference: digest.description)
        #expect(head == ManifestHead(digest: digest, mediaType: MediaType.ociManifest, size: Int64(body.count)))
        #expect(Array(data) == body)
        let request = try #require(server.requests.first)
        #expect(request.target == "/v2/a/manifests/\(digest)")
        let accept = request.header("Accept") ?? ""
        for type in [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest] {
            #expect(accept.contains(type))
        }
    }

    @Test("a manifest whose body is not the requested digest is refused")
    func manifestDigestMismatch() async throws {
        let body = Array(TransportTests.manifest.utf8)
        let asked = Digest(of: Array("another manifest".utf8))
        let server = try ScriptedServer { _ in .bytes(body, headers: [("Content-Type", MediaType.ociManifest)]) }
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            try await client().manifest(try registry(server), repo: "a", reference: asked.description)
        }
        #expect(
            error
                == .digestMismatch(
                    what: "\(server.origin)/a@\(asked)", expected: asked.description, actual: Digest(of: body).description))
        #expect(server.requests.count == 1, "a mismatch is not retried")
    }

    @Test("a manifest by tag is checked against the Docker-Content-Digest the registry names")
    func manifestTagDigestMismatch() async throws {
        let body = Array(TransportTests.manifest.utf8)
        let claimed = Digest(of: Array("something else".utf8))
        let server = try ScriptedServer { _ in
            .bytes(body, headers: [("Content-Type", MediaType.ociManifest), ("Docker-Content-Digest", claimed.description)])
        }
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            try await client().manifest(try registry(server), repo: "a", reference: "v1")
        }
        #expect(
            error
                == .digestMismatch(
                    what: "\(server.origin)/a:v1", expected: claimed.description, actual: Digest(of: body).description))
    }
}

extension TransportTests {
    @Test("credentials go to the registry's own origin only: not to its host over plain HTTP when it speaks HTTPS")
    func ownOrigin() throws {
        let secure = try RegistryAddress("r.example")
        #expect(RegistryClient.isOwn("https://r.example/v2/a/blobs/uploads/1?_state=x", of: secure))
        #expect(RegistryClient.isOwn("https://R.Example/v2/", of: secure))
        // A registry behind a TLS proxy that does not say X-Forwarded-Proto names its upload
        // Location (and its Link) with http://: a Basic password must not follow it in clear text.
        #expect(!RegistryClient.isOwn("http://r.example/v2/a/blobs/uploads/1?_state=x", of: secure))
        #expect(!RegistryClient.isOwn("https://r.example:5000/v2/", of: secure))
        #expect(!RegistryClient.isOwn("https://store.example/r.example/x", of: secure))
        let plain = try RegistryAddress("http://127.0.0.1:5000")
        #expect(RegistryClient.isOwn("http://127.0.0.1:5000/v2/a/tags/list?n=1000", of: plain))
        #expect(!RegistryClient.isOwn("http://127.0.0.1:5001/v2/", of: plain))
    }
}
