import Testing

@testable import RegKit

@Suite("ImageReference parsing")
struct ImageReferenceTests {
    static let hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

    func parse(_ text: String) throws -> ImageReference { try ImageReference(parsing: text) }

    @Test("a registry alone: host, host:port, http://host:port, https://host")
    func registryAlone() throws {
        for text in ["r.example", "127.0.0.1:5000", "http://127.0.0.1:5000", "https://r.example", "localhost"] {
            let reference = try parse(text)
            #expect(reference.registry.written == text)
            #expect(reference.repo == nil)
            #expect(reference.tag == nil)
            #expect(reference.digest == nil)
            #expect(reference.manifestReference == nil)
            // Messages name the registry one way: https:// is what host[:port] means anyway.
            #expect(reference.description == (text == "https://r.example" ? "r.example" : text))
        }
        #expect(try parse("http://127.0.0.1:5000").registry.plainHTTP)
        #expect(try !parse("127.0.0.1:5000").registry.plainHTTP)
        #expect(try !parse("https://r.example").registry.plainHTTP)
    }

    @Test("registry/repo: the registry is kept as written, without the path")
    func repo() throws {
        let plain = try parse("http://127.0.0.1:5000/library/busybox")
        #expect(plain.registry.written == "http://127.0.0.1:5000")
        #expect(plain.registry.host == "127.0.0.1:5000")
        #expect(plain.registry.plainHTTP)
        #expect(plain.repo == "library/busybox")
        #expect(plain.tag == nil)
        #expect(plain.digest == nil)

        let secure = try parse("https://r.example/app")
        #expect(secure.registry.written == "https://r.example")
        #expect(!secure.registry.plainHTTP)
        #expect(secure.repo == "app")

        let port = try parse("127.0.0.1:5000/app")
        #expect(port.registry.written == "127.0.0.1:5000")
        #expect(port.repo == "app")
        #expect(port.tag == nil, "the port's colon is not a tag")
    }

    @Test(
        "Docker Hub however written, or no registry at all; records keep the spelling, one-segment names get library/",
        arguments: [
            ("alpine", "docker.io", "library/alpine", nil as String?),
            ("alpine:3.20", "docker.io", "library/alpine", "3.20"),
            ("library/alpine:3.20", "docker.io", "library/alpine", "3.20"),
            ("team/app", "docker.io", "team/app", nil),
            ("team/sub/app:1", "docker.io", "team/sub/app", "1"),
            ("docker.io/alpine", "docker.io", "library/alpine", nil),
            ("docker.io/library/alpine:3.20", "docker.io", "library/alpine", "3.20"),
            ("index.docker.io/alpine:3.20", "index.docker.io", "library/alpine", "3.20"),
            ("registry-1.docker.io/team/app:1", "registry-1.docker.io", "team/app", "1"),
            ("https://docker.io/alpine", "https://docker.io", "library/alpine", nil),
            ("Docker.IO/team/app", "Docker.IO", "team/app", nil),
        ])
    func dockerHub(_ text: String, _ written: String, _ repo: String, _ tag: String?) throws {
        let reference = try parse(text)
        #expect(reference.registry.written == written)
        #expect(reference.registry.isDockerHub)
        #expect(reference.registry.baseURL == "https://registry-1.docker.io")
        #expect(reference.repo == repo)
        #expect(reference.tag == tag)
        #expect(reference.digest == nil)
        #expect(Record(reference: reference).registry == written)
    }

    @Test("a Docker Hub reference by digest, and how it prints")
    func dockerHubDigest() throws {
        let reference = try parse("alpine:3.20@sha256:" + ImageReferenceTests.hex)
        #expect(reference.registry == .dockerHub)
        #expect(reference.repo == "library/alpine")
        #expect(reference.tag == "3.20")
        #expect(reference.digest?.hex == ImageReferenceTests.hex)
        #expect(try parse("team/app@sha256:" + ImageReferenceTests.hex).repo == "team/app")
        #expect(try parse("alpine:3.20").description == "docker.io/library/alpine:3.20")
        #expect(try parse("index.docker.io/team/app").description == "docker.io/team/app")
    }

    @Test(
        "the first segment is a registry when it holds . or : or is localhost (Docker's rule); else it begins a Hub name",
        arguments: [
            ("localhost/app", "localhost", "app"),
            ("localhost:5000/team/app", "localhost:5000", "team/app"),
            ("127.0.0.1:5000/app", "127.0.0.1:5000", "app"),
            ("registry:5000/app", "registry:5000", "app"),
            ("r.example/app", "r.example", "app"),
            ("http://name/app", "http://name", "app"),
            ("https://name/app", "https://name", "app"),
            ("Name/app", "Name", "app"),
            ("name/app", "docker.io", "name/app"),
        ])
    func firstSegment(_ text: String, _ written: String, _ repo: String) throws {
        let reference = try parse(text)
        #expect(reference.registry.written == written)
        #expect(reference.repo == repo)
        #expect(reference.registry.isDockerHub == (written == "docker.io"))
    }

    @Test(
        "without a /, a dotted host, localhost or a scheme is a registry alone; any other name is a Hub image",
        arguments: [
            ("127.0.0.1:5000", true), ("localhost:5000", true), ("localhost", true), ("r.example:443", true),
            ("http://name", true), ("https://name:5000", true), ("name", false), ("name:5000", false),
        ])
    func bareName(_ text: String, _ isRegistry: Bool) throws {
        let reference = try parse(text)
        if isRegistry {
            #expect(reference.registry.written == text)
            #expect(reference.repo == nil)
        } else {
            #expect(reference.registry == .dockerHub)
            #expect(reference.repo == "library/name")
        }
    }

    @Test("nested repositories and the separators of the OCI grammar")
    func nested() throws {
        let reference = try parse("r.example:443/team/sub-group/app_x.y__z:1.0")
        #expect(reference.registry.written == "r.example:443")
        #expect(reference.repo == "team/sub-group/app_x.y__z")
        #expect(reference.tag == "1.0")
        #expect(try parse("r.example/a/b/c/d/e").repo == "a/b/c/d/e")
        #expect(try parse("r.example/0/9").repo == "0/9")
    }

    @Test("registry/repo:tag")
    func tag() throws {
        let reference = try parse("127.0.0.1:5000/team/app:v1.2.3-rc_1")
        #expect(reference.registry.written == "127.0.0.1:5000")
        #expect(reference.repo == "team/app")
        #expect(reference.tag == "v1.2.3-rc_1")
        #expect(reference.digest == nil)
        #expect(reference.manifestReference == "v1.2.3-rc_1")
        #expect(reference.description == "127.0.0.1:5000/team/app:v1.2.3-rc_1")
        #expect(try parse("r.example/a:LATEST").tag == "LATEST")
        #expect(try parse("r.example/a:_x").tag == "_x")
        #expect(try parse("r.example/a:" + String(repeating: "t", count: 128)).tag?.count == 128)
    }

    @Test("registry/repo@sha256:...")
    func digest() throws {
        let reference = try parse("http://127.0.0.1:5000/app@sha256:" + ImageReferenceTests.hex)
        #expect(reference.registry.written == "http://127.0.0.1:5000")
        #expect(reference.repo == "app")
        #expect(reference.tag == nil)
        #expect(reference.digest?.hex == ImageReferenceTests.hex)
        #expect(reference.manifestReference == "sha256:" + ImageReferenceTests.hex)
        #expect(reference.description == "http://127.0.0.1:5000/app@sha256:" + ImageReferenceTests.hex)
    }

    @Test("registry/repo:tag@sha256:... keeps both; the digest is what is fetched")
    func tagAndDigest() throws {
        let text = "r.example:5000/team/app:1.0@sha256:" + ImageReferenceTests.hex
        let reference = try parse(text)
        #expect(reference.registry.written == "r.example:5000")
        #expect(reference.repo == "team/app")
        #expect(reference.tag == "1.0")
        #expect(reference.digest?.hex == ImageReferenceTests.hex)
        #expect(reference.manifestReference == "sha256:" + ImageReferenceTests.hex)
        #expect(reference.description == text)
    }

    @Test(
        "invalid repositories name the repository and the input",
        arguments: [
            ("r.example/Team/app", "Team/app"),
            ("r.example//app", "/app"),
            ("r.example/app/", "app/"),
            ("r.example/-app", "-app"),
            ("r.example/app-", "app-"),
            ("r.example/team/.app", "team/.app"),
            ("r.example/a b", "a b"),
            ("r.example/a:b:c", "a:b"),
            ("r.example/:tag", ""),
            ("http://127.0.0.1:5000/App:1", "App"),
        ])
    func invalidRepository(_ text: String, _ repo: String) {
        #expect(throws: ReferenceError.invalidRepository(repo, in: text)) { try ImageReference(parsing: text) }
    }

    @Test("a repository longer than 255 characters is refused")
    func longRepository() {
        let name = String(repeating: "a", count: 256)
        #expect(throws: ReferenceError.invalidRepository(name, in: "r.example/" + name)) {
            try ImageReference(parsing: "r.example/" + name)
        }
        #expect(ImageReference.isValidRepository(String(repeating: "a", count: 255)))
    }

    @Test(
        "invalid tags name the tag and the input",
        arguments: [
            ("r.example/app:", ""),
            ("r.example/app:-x", "-x"),
            ("r.example/app:.x", ".x"),
            ("r.example/app:a+b", "a+b"),
            ("r.example/app:a/b", "a/b"),
            ("r.example/app:" + String(repeating: "t", count: 129), String(repeating: "t", count: 129)),
        ])
    func invalidTag(_ text: String, _ tag: String) {
        #expect(throws: ReferenceError.invalidTag(tag, in: text)) { try ImageReference(parsing: text) }
    }

    @Test(
        "invalid digests name the digest and the input",
        arguments: [
            ("r.example/app@", ""),
            ("r.example/app@sha256:abc", "sha256:abc"),
            ("r.example/app@sha512:" + ImageReferenceTests.hex, "sha512:" + ImageReferenceTests.hex),
            ("r.example/app@sha256:" + ImageReferenceTests.hex.uppercased(), "sha256:" + ImageReferenceTests.hex.uppercased()),
            ("r.example/app@" + ImageReferenceTests.hex, ImageReferenceTests.hex),
        ])
    func invalidDigest(_ text: String, _ digest: String) {
        #expect(throws: ReferenceError.invalidDigest(digest, in: text)) { try ImageReference(parsing: text) }
    }

    @Test("an invalid registry part is reported as a registry error")
    func invalidRegistry() {
        #expect(throws: ReferenceError.invalidRegistry("http://")) { try ImageReference(parsing: "http://") }
        #expect(throws: ReferenceError.invalidRegistry("user@r")) { try ImageReference(parsing: "user@r/app") }
        #expect(throws: ReferenceError.invalidRegistry("")) { try ImageReference(parsing: "") }
        #expect(throws: ReferenceError.invalidRegistry("")) { try ImageReference(parsing: "/app") }
    }

    @Test("messages quote the whole input and the offending part")
    func messages() {
        let tag = ReferenceError.invalidTag("-x", in: "r/app:-x").description
        #expect(tag.contains("'r/app:-x'"))
        #expect(tag.contains("'-x'"))
        let repo = ReferenceError.invalidRepository("Team", in: "r/Team").description
        #expect(repo.contains("'r/Team'"))
        #expect(repo.contains("'Team'"))
        #expect(repo.contains("lower-case"))
        let digest = ReferenceError.invalidDigest("sha256:abc", in: "r/a@sha256:abc").description
        #expect(digest.contains("'r/a@sha256:abc'"))
        #expect(digest.contains("64 lower-case hex"))
    }

    @Test("a reference built from parts prints as a person writes it")
    func description() throws {
        let registry = try RegistryAddress("http://h:1")
        #expect(ImageReference(registry: registry, repo: "a/b", tag: "t").description == "http://h:1/a/b:t")
        #expect(ImageReference(registry: registry).description == "http://h:1")
    }
}
