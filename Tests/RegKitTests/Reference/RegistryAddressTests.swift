import Testing

@testable import RegKit

@Suite("RegistryAddress")
struct RegistryAddressTests {
    @Test("host alone speaks HTTPS")
    func host() throws {
        let address = try RegistryAddress("registry.example")
        #expect(address.written == "registry.example")
        #expect(address.host == "registry.example")
        #expect(!address.plainHTTP)
        #expect(address.baseURL == "https://registry.example")
        #expect(address.description == "registry.example")
    }

    @Test("host:port speaks HTTPS and keeps the port in the host")
    func hostPort() throws {
        let address = try RegistryAddress("127.0.0.1:5000")
        #expect(address.written == "127.0.0.1:5000")
        #expect(address.host == "127.0.0.1:5000")
        #expect(!address.plainHTTP)
        #expect(address.baseURL == "https://127.0.0.1:5000")
    }

    @Test("http:// means plain HTTP; the written form is kept with its scheme")
    func plainHTTP() throws {
        let address = try RegistryAddress("http://127.0.0.1:5000")
        #expect(address.written == "http://127.0.0.1:5000")
        #expect(address.host == "127.0.0.1:5000")
        #expect(address.plainHTTP)
        #expect(address.baseURL == "http://127.0.0.1:5000")
    }

    @Test("https:// is HTTPS, written as is")
    func https() throws {
        let address = try RegistryAddress("https://r.example")
        #expect(address.written == "https://r.example")
        #expect(address.host == "r.example")
        #expect(!address.plainHTTP)
        #expect(address.baseURL == "https://r.example")
    }

    @Test("trailing slashes are tolerated, and the written form is not rewritten; messages and URLs have no //")
    func trailingSlash() throws {
        let address = try RegistryAddress("http://localhost:5000/")
        #expect(address.host == "localhost:5000")
        #expect(address.written == "http://localhost:5000/")
        #expect(address.baseURL == "http://localhost:5000")
        #expect(address.name == "http://localhost:5000")
        #expect(ImageReference(registry: address, repo: "team/app", tag: "1").description == "http://localhost:5000/team/app:1")
    }

    @Test("spellings of one registry are one registry (grouping, credentials), and records keep each as written")
    func spellingsOfOneRegistry() throws {
        let spellings = ["http://Host:5000/", "http://host:5000", "HTTP://HOST:5000//"]
        let addresses = try spellings.map(RegistryAddress.init)
        #expect(Set(addresses).count == 1)
        #expect(addresses.allSatisfy { $0.name == "http://host:5000" && $0.host == "host:5000" })
        #expect(addresses.map(\.written) == spellings)
        #expect(try RegistryAddress("r.example") == RegistryAddress("https://R.example/"))
        #expect(try RegistryAddress("r.example").description == "r.example")
        // The scheme and the port are part of the registry.
        #expect(try RegistryAddress("r.example") != RegistryAddress("http://r.example"))
        #expect(try RegistryAddress("r.example") != RegistryAddress("r.example:5000"))
    }

    @Test("Docker Hub's names are one registry, docker.io in messages, its API at registry-1.docker.io; each kept as written")
    func dockerHub() throws {
        for text in ["docker.io", "index.docker.io", "registry-1.docker.io", "https://Docker.IO/", "INDEX.docker.io"] {
            let address = try RegistryAddress(text)
            #expect(address.written == text)
            #expect(address.isDockerHub)
            #expect(address.host == "registry-1.docker.io")
            #expect(address.baseURL == "https://registry-1.docker.io")
            #expect(address.name == "docker.io")
            #expect(address == .dockerHub)
        }
        #expect(RegistryAddress.dockerHub.written == "docker.io")
        // Another port, plain HTTP, a mirror or the web site are other servers.
        for text in ["docker.io:5000", "http://docker.io", "mirror.docker.io", "hub.docker.com"] {
            #expect(try !RegistryAddress(text).isDockerHub, "\(text)")
        }
    }

    @Test("library/ goes before a one-segment repository on Docker Hub, and nowhere else")
    func officialImages() throws {
        #expect(RegistryAddress.dockerHub.repository("alpine") == "library/alpine")
        #expect(RegistryAddress.dockerHub.repository("library/alpine") == "library/alpine")
        #expect(RegistryAddress.dockerHub.repository("team/app") == "team/app")
        #expect(try RegistryAddress("r.example").repository("alpine") == "alpine")
        #expect(try RegistryAddress("http://docker.io").repository("alpine") == "alpine")
    }

    @Test(
        "not a registry: empty, a path, spaces, user info",
        arguments: ["", "http://", "https:///", "r.example/team", "http://r.example/v2", "r example", "user@r.example", "/"])
    func invalid(_ text: String) {
        #expect(throws: ReferenceError.invalidRegistry(text)) { try RegistryAddress(text) }
    }

    @Test("the error names the input and the http:// spelling")
    func message() {
        let message = ReferenceError.invalidRegistry("a b").description
        #expect(message.contains("'a b'"))
        #expect(message.contains("http://host[:port]"))
    }
}
