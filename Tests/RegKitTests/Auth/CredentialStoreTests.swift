import Foundation
import Testing

@testable import RegKit

@Suite("CredentialStore")
struct CredentialStoreTests {
    /// A directory holding `docker-credential-test`, `docker-credential-store` and
    /// `docker-credential-old`, put first on PATH once for the whole process (the store runs
    /// `docker-credential-NAME get`). Each helper answers with its own name as user name and
    /// the key it read on standard input inside the secret, so a test sees both which helper
    /// ran and what it was given. `old` knows only `index.docker.io`, as after `docker login
    /// index.docker.io`.
    static let helperDirectory: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reg-cred-helpers-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            [ "$1" = "get" ] || exit 2
            host=$(cat)
            case "$(basename "$0"):$host" in
              docker-credential-old:index.docker.io) ;;
              docker-credential-old:*) echo "credentials not found in native keychain"; exit 1 ;;
            esac
            case "$host" in
              unknown*) echo "credentials not found in native keychain"; exit 1 ;;
              broken*) echo "the keychain is locked" ; exit 1 ;;
              garbage*) echo "this is not JSON"; exit 0 ;;
              slow*) sleep 120; exit 1 ;;
            esac
            printf '{"ServerURL":"%s","Username":"%s","Secret":"secret-for-%s"}\\n' "$host" "$(basename "$0")" "$host"

            """
        for name in ["docker-credential-test", "docker-credential-store", "docker-credential-old"] {
            let path = dir + "/" + name
            try! script.write(toFile: path, atomically: true, encoding: .utf8)
            try! FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        // One that exits at once without reading its input: writing the host to it must not end the tests with SIGPIPE.
        try! "#!/bin/sh\nexit 1\n".write(toFile: dir + "/docker-credential-deaf", atomically: true, encoding: .utf8)
        try! FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir + "/docker-credential-deaf")
        let old = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        setenv("PATH", dir + ":" + old, 1)
        return dir
    }()

    /// A fresh directory with `config.json` holding `json`.
    func configDirectory(_ json: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reg-docker-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try json.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        return dir
    }

    func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    func makeStore(config json: String, explicit: Credentials? = nil, extra: [String: String] = [:]) throws -> CredentialStore {
        _ = CredentialStoreTests.helperDirectory
        let environment = ["DOCKER_CONFIG": try configDirectory(json)].merging(extra) { _, new in new }
        return CredentialStore(explicit: explicit, environment: environment)
    }

    @Test("explicit credentials win over the environment and the Docker config")
    func explicitFirst() async throws {
        let config = #"{"auths":{"r.example":{"auth":"\#(base64("config:pw"))"}}}"#
        let store = try makeStore(
            config: config, explicit: Credentials(username: "flag", password: "p1"),
            extra: ["REG_USERNAME": "env", "REG_PASSWORD": "p2"])
        #expect(try await store.credentials(for: "r.example") == Credentials(username: "flag", password: "p1"))
        // Explicit credentials are for whatever registry the run talks to.
        #expect(try await store.credentials(for: "other.example") == Credentials(username: "flag", password: "p1"))
    }

    @Test("REG_USERNAME and REG_PASSWORD win over the Docker config, only as a pair")
    func environmentNext() async throws {
        let config = #"{"auths":{"r.example":{"auth":"\#(base64("config:pw"))"}}}"#
        let both = try makeStore(config: config, extra: ["REG_USERNAME": "env", "REG_PASSWORD": "p2"])
        #expect(try await both.credentials(for: "r.example") == Credentials(username: "env", password: "p2"))
        let userOnly = try makeStore(config: config, extra: ["REG_USERNAME": "env"])
        #expect(try await userOnly.credentials(for: "r.example") == Credentials(username: "config", password: "pw"))
        #expect(both.environmentWarning == nil)
    }

    @Test("half of REG_USERNAME/REG_PASSWORD is ignored, and the store says so, naming the variables only")
    func halfAPair() async throws {
        let userOnly = try makeStore(config: "{}", extra: ["REG_USERNAME": "env"])
        #expect(
            userOnly.environmentWarning == "REG_USERNAME is set without REG_PASSWORD, so it is ignored: set both, or unset it")
        let passwordOnly = try makeStore(config: "{}", extra: ["REG_PASSWORD": "s3cret"])
        #expect(
            passwordOnly.environmentWarning == "REG_PASSWORD is set without REG_USERNAME, so it is ignored: set both, or unset it"
        )
        #expect(try await passwordOnly.credentials(for: "r.example") == nil)
        // --username wins over the environment anyway: nothing to warn about.
        let flagged = try makeStore(
            config: "{}", explicit: Credentials(username: "u", password: "p"), extra: ["REG_USERNAME": "env"])
        #expect(flagged.environmentWarning == nil)
        #expect(try makeStore(config: "{}").environmentWarning == nil)
    }

    @Test("auths: base64 user:password, keyed host, host:port, https://host/v1/ or http://host:port")
    func auths() async throws {
        let config = """
            {"auths": {
              "r.example": {"auth": "\(base64("plain:p1"))"},
              "127.0.0.1:5000": {"auth": "\(base64("ported:p:with:colons"))"},
              "https://index.docker.io/v1/": {"auth": "\(base64("hub:p3"))"},
              "http://10.0.0.1:8080": {"auth": "\(base64("http:p4"))"},
              "fields.example": {"username": "u5", "password": "p5"}
            }}
            """
        let store = try makeStore(config: config)
        #expect(try await store.credentials(for: "r.example") == Credentials(username: "plain", password: "p1"))
        #expect(try await store.credentials(for: "127.0.0.1:5000") == Credentials(username: "ported", password: "p:with:colons"))
        #expect(try await store.credentials(for: "index.docker.io") == Credentials(username: "hub", password: "p3"))
        #expect(try await store.credentials(for: "10.0.0.1:8080") == Credentials(username: "http", password: "p4"))
        #expect(try await store.credentials(for: "fields.example") == Credentials(username: "u5", password: "p5"))
        // The port is part of the key: credentials go only to the registry they were given for.
        #expect(try await store.credentials(for: "127.0.0.1") == nil)
        #expect(try await store.credentials(for: "r.example:5000") == nil)
        #expect(try await store.credentials(for: "elsewhere.example") == nil)
    }

    @Test("DOCKER_CONFIG overrides HOME; HOME/.docker/config.json otherwise")
    func dockerConfigOverride() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("reg-home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try #"{"auths":{"r.example":{"auth":"\#(base64("home:p"))"}}}"#.write(
            toFile: home + "/.docker/config.json", atomically: true, encoding: .utf8)
        let override = try configDirectory(#"{"auths":{"r.example":{"auth":"\#(base64("override:p"))"}}}"#)

        let fromHome = CredentialStore(explicit: nil, environment: ["HOME": home])
        #expect(try await fromHome.credentials(for: "r.example") == Credentials(username: "home", password: "p"))
        let overridden = CredentialStore(explicit: nil, environment: ["HOME": home, "DOCKER_CONFIG": override])
        #expect(try await overridden.credentials(for: "r.example") == Credentials(username: "override", password: "p"))
    }

    @Test("--authfile answers before the Docker config, which still answers for hosts the authfile lacks")
    func authFile() async throws {
        let docker = try configDirectory(#"{"auths":{"r.example":{"auth":"\#(base64("docker:p"))"}}}"#)
        let other = try configDirectory(#"{"auths":{"r.example":{"auth":"\#(base64("authfile:p"))"}}}"#)
        let store = CredentialStore(
            explicit: nil, authFile: other + "/config.json", environment: ["DOCKER_CONFIG": docker])
        #expect(try await store.credentials(for: "r.example") == Credentials(username: "authfile", password: "p"))
        #expect(store.source(for: "r.example") == "auths in \(other)/config.json")
        #expect(try await store.credentials(for: "elsewhere.example") == nil)
        let onlyB = try configDirectory(#"{"auths":{"b.example":{"auth":"\#(base64("b:p"))"}}}"#)
        let both = CredentialStore(explicit: nil, authFile: onlyB + "/config.json", environment: ["DOCKER_CONFIG": docker])
        #expect(try await both.credentials(for: "r.example") == Credentials(username: "docker", password: "p"))
        #expect(try await both.credentials(for: "b.example") == Credentials(username: "b", password: "p"))
    }

    @Test("no Docker config at all means anonymous")
    func noConfig() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("reg-none-\(UUID().uuidString)").path
        #expect(try await CredentialStore(explicit: nil, environment: ["DOCKER_CONFIG": missing]).credentials(for: "r") == nil)
        #expect(try await CredentialStore(explicit: nil, environment: [:]).credentials(for: "r") == nil)
    }

    @Test("an unreadable config or auth entry is an error naming the file")
    func unreadable() async throws {
        let invalidJSON = try makeStore(config: "{not json")
        let error = await #expect(throws: CredentialError.self) { try await invalidJSON.credentials(for: "r.example") }
        #expect(error?.description.contains("config.json") == true)

        let badAuth = try makeStore(config: #"{"auths":{"r.example":{"auth":"%%%not-base64"}}}"#)
        await #expect(throws: CredentialError.self) { try await badAuth.credentials(for: "r.example") }
        let noColon = try makeStore(config: #"{"auths":{"r.example":{"auth":"\#(base64("nocolon"))"}}}"#)
        await #expect(throws: CredentialError.self) { try await noColon.credentials(for: "r.example") }
    }

    @Test("credHelpers: the host's helper runs with the host on stdin")
    func credHelpers() async throws {
        let config = """
            {"auths": {"helped.example:5000": {"auth": "\(base64("shadowed:p"))"}, "plain.example": {"auth": "\(base64("plain:p"))"}},
             "credHelpers": {"helped.example:5000": "test", "unknown.example": "test"}}
            """
        let store = try makeStore(config: config)
        #expect(
            try await store.credentials(for: "helped.example:5000")
                == Credentials(username: "docker-credential-test", password: "secret-for-helped.example:5000"))
        // A host without a helper entry falls back to auths.
        #expect(try await store.credentials(for: "plain.example") == Credentials(username: "plain", password: "p"))
        // The helper says "credentials not found": anonymous, not an error.
        #expect(try await store.credentials(for: "unknown.example") == nil)
    }

    @Test("Docker's choice: the host's credHelpers entry, else credsStore, else auths; the chosen one's answer stands")
    func credsStore() async throws {
        let config = """
            {"auths": {"stored.example": {}, "inline.example": {"auth": "\(base64("inline:p"))"},
                       "unknown-inline.example": {"auth": "\(base64("stale:p"))"},
                       "unknown-helped.example": {"auth": "\(base64("stale:p"))"}},
             "credHelpers": {"helped.example": "test", "unknown-helped.example": "test"},
             "credsStore": "store"}
            """
        let store = try makeStore(config: config)
        #expect(
            try await store.credentials(for: "stored.example")
                == Credentials(username: "docker-credential-store", password: "secret-for-stored.example"))
        #expect(
            try await store.credentials(for: "127.0.0.1:5001")
                == Credentials(username: "docker-credential-store", password: "secret-for-127.0.0.1:5001"))
        // The store comes before what auths holds inline, as in the Docker CLI.
        #expect(
            try await store.credentials(for: "inline.example")
                == Credentials(username: "docker-credential-store", password: "secret-for-inline.example"))
        #expect(
            try await store.credentials(for: "helped.example")
                == Credentials(username: "docker-credential-test", password: "secret-for-helped.example"))
        // A helper that has nothing for the host means anonymous, as for `docker pull`: neither
        // the default store nor auths answers behind it.
        #expect(try await store.credentials(for: "unknown-inline.example") == nil)
        #expect(try await store.credentials(for: "unknown-helped.example") == nil)
        #expect(store.source(for: "unknown-helped.example") == "anonymous")
        #expect(try await store.credentials(for: "unknown.example:443") == nil)
    }

    @Test(
        "Docker Hub's login is found for every name of Docker Hub, filed under Docker's key or any of those names",
        arguments: [
            "https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io",
            "https://registry-1.docker.io/v2/", "HTTPS://INDEX.DOCKER.IO/v1/",
        ])
    func dockerHubAuths(_ key: String) async throws {
        let store = try makeStore(config: #"{"auths":{"\#(key)":{"auth":"\#(base64("hub:p"))"}}}"#)
        let hub = Credentials(username: "hub", password: "p")
        for name in ["docker.io", "index.docker.io", "registry-1.docker.io"] {
            #expect(try await store.credentials(for: name) == hub, "\(name)")
            #expect(
                try await store.credentials(for: RegistryAddress("https://" + name.uppercased() + "/").host) == hub, "\(name)")
        }
        #expect(try await store.credentials(for: ImageReference(parsing: "alpine").registry.host) == hub)
        #expect(try await store.credentials(for: "mirror.example") == nil)
        #expect(try await store.credentials(for: "docker.io:5000") == nil)
    }

    @Test("of several Docker Hub logins, the one under Docker's own key wins")
    func dockerHubPreference() async throws {
        let config = """
            {"auths": {"registry-1.docker.io": {"auth": "\(base64("api:p"))"},
                       "https://index.docker.io/v1/": {"auth": "\(base64("docker:p"))"},
                       "docker.io": {"auth": "\(base64("short:p"))"}}}
            """
        #expect(try await makeStore(config: config).credentials(for: "registry-1.docker.io")?.username == "docker")
    }

    @Test("a helper is asked for Docker Hub with Docker's key first, then with Docker Hub's other names")
    func dockerHubHelpers() async throws {
        let stored = try makeStore(config: #"{"credsStore": "store"}"#)
        #expect(
            try await stored.credentials(for: "registry-1.docker.io")
                == Credentials(username: "docker-credential-store", password: "secret-for-https://index.docker.io/v1/"))
        for key in ["https://index.docker.io/v1/", "docker.io", "index.docker.io"] {
            let helped = try makeStore(config: #"{"credHelpers": {"\#(key)": "test"}, "credsStore": "store"}"#)
            #expect(try await helped.credentials(for: "registry-1.docker.io")?.username == "docker-credential-test", "\(key)")
        }
        // A login kept by the store under index.docker.io only (docker login index.docker.io).
        let old = try makeStore(config: #"{"credsStore": "old"}"#)
        #expect(
            try await old.credentials(for: "registry-1.docker.io")
                == Credentials(username: "docker-credential-old", password: "secret-for-index.docker.io"))
        #expect(try await old.credentials(for: "r.example") == nil)
    }

    @Test("hosts are looked up without regard to case, in auths and credHelpers")
    func caseInsensitiveHosts() async throws {
        let config = """
            {"auths": {"Registry.Example:5000": {"auth": "\(base64("upper:p"))"},
                       "https://MIXED.example/v1/": {"auth": "\(base64("mixed:p"))"}},
             "credHelpers": {"HELPED.Example": "test"}}
            """
        let store = try makeStore(config: config)
        #expect(try await store.credentials(for: "registry.example:5000") == Credentials(username: "upper", password: "p"))
        #expect(try await store.credentials(for: "mixed.example") == Credentials(username: "mixed", password: "p"))
        #expect(try await store.credentials(for: "helped.example")?.username == "docker-credential-test")
        // A registry written with capitals is the same host.
        let address = try RegistryAddress("http://REGISTRY.example:5000/")
        #expect(try await store.credentials(for: address.host) == Credentials(username: "upper", password: "p"))
    }

    @Test("a helper that fails, answers nonsense or exits without reading is an error naming it and the host")
    func helperFailures() async throws {
        let store = try makeStore(config: #"{"credsStore": "store", "credHelpers": {"deaf.example": "deaf"}}"#)
        for host in ["broken.example", "garbage.example", "deaf.example"] {
            let error = await #expect(throws: CredentialError.self) { try await store.credentials(for: host) }
            guard case .helperFailed(_, let failedHost) = error else {
                Issue.record("expected helperFailed for \(host), got \(String(describing: error))")
                continue
            }
            #expect(failedHost == host)
            #expect(error?.description.contains(host) == true)
        }
    }

    @Test("a helper that is not installed is an error that says so and names it")
    func helperMissing() async throws {
        let store = try makeStore(config: #"{"credHelpers": {"absent.example": "absent-xyz"}}"#)
        let absent = await #expect(throws: CredentialError.self) { try await store.credentials(for: "absent.example") }
        guard case .helperMissing(let name) = absent else {
            Issue.record("expected helperMissing, got \(String(describing: absent))")
            return
        }
        #expect(name == "absent-xyz")
        #expect(absent?.description.contains("docker-credential-absent-xyz is not on PATH") == true)
    }

    @Test("a helper that hangs is stopped after the timeout, with an error naming it; asked once per host")
    func helperTimeout() async throws {
        _ = CredentialStoreTests.helperDirectory
        let dir = try configDirectory(#"{"credsStore": "store"}"#)
        let store = CredentialStore(explicit: nil, environment: ["DOCKER_CONFIG": dir], helperTimeout: 1)
        let start = Date()
        let error = await #expect(throws: CredentialError.self) { try await store.credentials(for: "slow.example") }
        #expect(Date().timeIntervalSince(start) < 60, "the helper's sleep (120 s) was waited for")
        #expect(error?.description.contains("docker-credential-store") == true)
        #expect(error?.description.contains("slow.example within 1 s (--timeout)") == true, "\(String(describing: error))")
        let again = Date()
        await #expect(throws: CredentialError.self) { try await store.credentials(for: "slow.example") }
        #expect(Date().timeIntervalSince(again) < 0.5, "the failure is remembered, not waited for again")
    }

    @Test("answers are remembered per host, so a helper runs once")
    func cached() async throws {
        let dir = try configDirectory(#"{"auths":{"r.example":{"auth":"\#(base64("first:p"))"}}}"#)
        let store = CredentialStore(explicit: nil, environment: ["DOCKER_CONFIG": dir])
        #expect(try await store.credentials(for: "r.example") == Credentials(username: "first", password: "p"))
        #expect(try await store.credentials(for: "s.example") == nil)
        try #"{"auths":{"r.example":{"auth":"\#(base64("second:p"))"},"s.example":{"auth":"\#(base64("s:p"))"}}}"#.write(
            toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        #expect(try await store.credentials(for: "r.example") == Credentials(username: "first", password: "p"))
        #expect(try await store.credentials(for: "s.example") == nil)
    }

    @Test("Basic authorization is base64 of user:password")
    func basicAuthorization() {
        #expect(Credentials(username: "aladdin", password: "opensesame").basicAuthorization == "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
    }
}
