import Foundation
import Testing

/// The harness itself: real registries in each configuration, the token issuer, the image generator, subprocesses.
@Suite("Harness: real registries, token issuer, generated images")
struct HarnessTests {
    /// `curl` status code of `GET url` (`000` when no HTTP answer came).
    static func httpCode(_ url: String, _ args: [String] = []) throws -> String {
        try curl(args + ["--output", "/dev/null", "--write-out", "%{http_code}", url]).stdout
    }

    static func tags(_ server: RegistryServer, _ repo: String) throws -> [String] {
        let result = try skopeo(["list-tags"] + server.skopeoArgs + [server.dockerReference(repo)])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return (object?["Tags"] as? [String] ?? []).sorted()
    }

    static func rawManifest(_ server: RegistryServer, _ ref: String) throws -> (digest: String, json: [String: Any]) {
        let result = try skopeo(["inspect", "--raw"] + server.skopeoArgs + [server.dockerReference(ref)])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return ("sha256:" + sha256Hex(Data(result.stdout.utf8)), json)
    }

    @Test("plain HTTP: http:// spelling, push and read back, storage tree, stop frees everything")
    func plainHTTP() async throws {
        let server = try await RegistryServer.start()
        #expect(server.registry == "http://127.0.0.1:\(server.port)")
        #expect(server.hostPort == "127.0.0.1:\(server.port)")
        #expect(server.caFile == nil && server.username == nil && server.password == nil)
        #expect(try Self.httpCode("\(server.baseURL)/v2/") == "200")

        let layout = try OCILayout.image(seed: "plain")
        let digest = try push(layout: layout, to: server, repo: "harness/plain", tag: "1.0")
        #expect(digest == layout.digest)
        #expect(try Self.tags(server, "harness/plain") == ["1.0"])
        let raw = try Self.rawManifest(server, "harness/plain:1.0")
        #expect(raw.digest == layout.digest)
        #expect(raw.json["mediaType"] as? String == OCILayout.manifestType)
        let link = server.storageRoot.appendingPathComponent(
            "docker/registry/v2/repositories/harness/plain/_manifests/tags/1.0/current/link")
        #expect(try String(contentsOf: link, encoding: .utf8) == layout.digest)

        let log = try String(contentsOf: server.logFile, encoding: .utf8)
        #expect(!log.contains("level=info"), "the registry logs errors only")

        server.stop()
        server.stop()
        #expect(!FileManager.default.fileExists(atPath: server.directory.path))
        #expect(try Self.httpCode("\(server.baseURL)/v2/", ["--max-time", "2"]) == "000")
    }

    @Test("TLS: scheme-less spelling, trusted with the CA file, refused without it")
    func tls() async throws {
        let server = try await RegistryServer.start(.init(tls: true))
        defer { server.stop() }
        #expect(server.registry == "127.0.0.1:\(server.port)")
        #expect(server.baseURL == "https://127.0.0.1:\(server.port)")
        let caFile = try #require(server.caFile)
        #expect(try Self.httpCode("\(server.baseURL)/v2/", ["--cacert", caFile]) == "200")
        #expect(try Self.httpCode("https://localhost:\(server.port)/v2/", ["--cacert", caFile]) == "200")
        let untrusted = try curl(["--output", "/dev/null", "\(server.baseURL)/v2/"])
        #expect(untrusted.status == 60, "certificate problem expected: \(untrusted)")
        #expect(try Self.httpCode("http://\(server.hostPort)/v2/") == "400", "plain HTTP to a TLS port")

        try push(layout: try OCILayout.image(), to: server, repo: "harness/tls", tag: "1")
        #expect(try Self.tags(server, "harness/tls") == ["1"])
    }

    @Test("htpasswd: 401 without credentials, 200 and pushes with them")
    func htpasswd() async throws {
        let server = try await RegistryServer.start(.init(auth: .htpasswd))
        defer { server.stop() }
        #expect(server.username == RegistryServer.testUsername && server.password == RegistryServer.testPassword)
        let challenge = try curl(["--include", "\(server.baseURL)/v2/"])
        #expect(challenge.stdout.hasPrefix("HTTP/1.1 401"))
        #expect(challenge.stdout.lowercased().contains("www-authenticate: basic realm=\"reg-test\""))
        #expect(try Self.httpCode("\(server.baseURL)/v2/", server.curlArgs) == "200")
        #expect(try Self.httpCode("\(server.baseURL)/v2/", ["--user", "\(RegistryServer.testUsername):wrong"]) == "401")

        try push(layout: try OCILayout.image(), to: server, repo: "harness/basic", tag: "1")
        #expect(try Self.tags(server, "harness/basic") == ["1"])
        let anonymous = try skopeo(["list-tags", "--tls-verify=false", server.dockerReference("harness/basic")])
        #expect(anonymous.status != 0)
        #expect(anonymous.stderr.contains("unauthorized") || anonymous.stderr.contains("authentication required"))
        #expect(server.credentialEnvironment == ["REG_USERNAME": server.username!, "REG_PASSWORD": server.password!])
    }

    @Test("token auth: Bearer challenge, skopeo pushes and lists with credentials, refused without; tokens counted")
    func token() async throws {
        let server = try await RegistryServer.start(.init(auth: .token))
        defer { server.stop() }
        let realm = try #require(server.tokenRealm)
        let challenge = try curl(["--include", "\(server.baseURL)/v2/_catalog"])
        #expect(challenge.stdout.hasPrefix("HTTP/1.1 401"))
        #expect(
            challenge.stdout.contains(
                #"Bearer realm="\#(realm)",service="\#(RegistryServer.tokenService)",scope="registry:catalog:*""#))
        #expect(try server.tokensIssued() == 0)

        try push(layout: try OCILayout.image(seed: "token"), to: server, repo: "harness/token", tag: "1")
        #expect(try Self.tags(server, "harness/token") == ["1"])
        let pushed = try server.tokensIssued()
        #expect(pushed >= 1)
        let granted = try server.tokenRequests().compactMap { $0["access"] as? [[String: Any]] }.flatMap { $0 }
        #expect(
            granted.contains {
                ($0["name"] as? String) == "harness/token" && ($0["actions"] as? [String])?.contains("push") == true
            })

        // The catalog through the token flow, as a client does it.
        let token = try server.bearerToken(scopes: ["registry:catalog:*"])
        let catalog = try curl(["--header", "Authorization: Bearer \(token)", "\(server.baseURL)/v2/_catalog"])
        #expect(catalog.stdout.contains(#""repositories":["harness/token"]"#), "\(catalog)")
        // Anonymous callers get a token, with no access in it.
        let empty = try server.bearerToken(scopes: ["registry:catalog:*"], authenticated: false)
        #expect(try Self.httpCode("\(server.baseURL)/v2/_catalog", ["--header", "Authorization: Bearer \(empty)"]) == "401")
        let anonymousRequest = try #require(try server.tokenRequests().last)
        #expect(anonymousRequest["user"] is NSNull && anonymousRequest["status"] as? Int == 200)
        #expect((anonymousRequest["access"] as? [Any])?.isEmpty == true)
        // Wrong credentials: the issuer says 401.
        let wrong = try curl([
            "--user", "\(RegistryServer.testUsername):wrong", "--output", "/dev/null", "--write-out", "%{http_code}", realm,
        ])
        #expect(wrong.stdout == "401")
        #expect(try server.tokensRefused() == 1)
        #expect(try server.tokensIssued() == pushed + 2)

        let anonymous = try skopeo(["list-tags", "--tls-verify=false", server.dockerReference("harness/token")])
        #expect(anonymous.status != 0)
        let stats = try curl([realm.replacingOccurrences(of: "/token", with: "/stats")])
        #expect(stats.stdout.contains(#""issued": \#(try server.tokensIssued())"#))
    }

    @Test("token auth over TLS, and htpasswd over TLS")
    func authOverTLS() async throws {
        async let tokenServer = RegistryServer.start(.init(tls: true, auth: .token))
        async let basicServer = RegistryServer.start(.init(tls: true, auth: .htpasswd))
        let servers = try await [tokenServer, basicServer]
        defer { servers.forEach { $0.stop() } }
        for server in servers {
            try push(layout: try OCILayout.image(), to: server, repo: "harness/secure", tag: "1")
            #expect(try Self.tags(server, "harness/secure") == ["1"])
            #expect(try Self.httpCode("\(server.baseURL)/v2/", ["--cacert", server.caFile!]) == "401")
        }
    }

    @Test("deletion: 202 by digest when enabled, 405 UNSUPPORTED when disabled")
    func deletion() async throws {
        async let enabledServer = RegistryServer.start()
        async let disabledServer = RegistryServer.start(.init(deleteEnabled: false))
        let (enabled, disabled) = try await (enabledServer, disabledServer)
        defer { [enabled, disabled].forEach { $0.stop() } }
        for server in [enabled, disabled] {
            let layout = try OCILayout.image(seed: "delete-me")
            try push(layout: layout, to: server, repo: "harness/delete", tag: "1")
            let answer = try curl([
                "--request", "DELETE", "--write-out", "\n%{http_code}",
                "\(server.baseURL)/v2/harness/delete/manifests/\(layout.digest)",
            ])
            if server === enabled {
                #expect(answer.stdout.hasSuffix("202"), "\(answer)")
                #expect(try Self.tags(server, "harness/delete").isEmpty)
            } else {
                #expect(answer.stdout.hasSuffix("405"), "\(answer)")
                #expect(answer.stdout.contains("UNSUPPORTED"))
                #expect(try Self.tags(server, "harness/delete") == ["1"])
            }
        }
    }

    @Test("multi-platform index, Docker schema2 conversion, and --all versus one platform")
    func imageKinds() async throws {
        let server = try await RegistryServer.start()
        defer { server.stop() }
        let multi = try OCILayout.multiPlatform(seed: "multi")
        #expect(multi.mediaType == OCILayout.indexType)
        #expect(multi.platforms.map(\.platform) == ["linux/amd64", "linux/arm64/v8"])
        let digest = try push(layout: multi, to: server, repo: "harness/multi", tag: "1", all: true)
        #expect(digest == multi.digest)
        let index = try Self.rawManifest(server, "harness/multi:1")
        #expect(index.digest == multi.digest)
        #expect(index.json["mediaType"] as? String == OCILayout.indexType)
        let children = index.json["manifests"] as? [[String: Any]] ?? []
        #expect(children.compactMap { $0["digest"] as? String } == multi.platforms.map(\.digest))
        let arm = children.last?["platform"] as? [String: String]
        #expect(arm == ["os": "linux", "architecture": "arm64", "variant": "v8"])
        for child in multi.platforms {
            #expect(try Self.rawManifest(server, "harness/multi@\(child.digest)").digest == child.digest)
        }

        let docker = try push(
            layout: try OCILayout.image(seed: "docker"), to: server, repo: "harness/docker", tag: "1", format: .docker)
        let dockerRaw = try Self.rawManifest(server, "harness/docker:1")
        #expect(dockerRaw.digest == docker)
        #expect(dockerRaw.json["mediaType"] as? String == "application/vnd.docker.distribution.manifest.v2+json")

        let dockerList = try push(layout: multi, to: server, repo: "harness/docker-list", tag: "1", format: .docker)
        let listRaw = try Self.rawManifest(server, "harness/docker-list:1")
        #expect(listRaw.digest == dockerList)
        #expect(listRaw.json["mediaType"] as? String == "application/vnd.docker.distribution.manifest.list.v2+json")

        let one = try push(layout: multi, to: server, repo: "harness/one", tag: "1", all: false)
        #expect(one == multi.platforms[0].digest, "skopeo picks this machine's platform, linux/amd64")
    }

    @Test("generated images: same seed same digests, other seed other digests, created is settable")
    func determinism() async throws {
        let created = Date(timeIntervalSince1970: 1_600_000_000)
        let a = try OCILayout.multiPlatform(seed: "same", created: created)
        let b = try OCILayout.multiPlatform(seed: "same", created: created)
        let c = try OCILayout.multiPlatform(seed: "other", created: created)
        let d = try OCILayout.multiPlatform(seed: "same")
        #expect(a.digest == b.digest)
        #expect(a.platforms.map(\.digest) == b.platforms.map(\.digest))
        #expect(a.digest != c.digest && a.digest != d.digest)
        #expect(Set(a.platforms.map(\.digest)).count == 2)
        #expect(try OCILayout.image().digest != (try OCILayout.image().digest))
        #expect(a.created == "2020-09-13T12:26:40Z")
        #expect(d.created == "2023-11-14T22:13:20Z")

        // Two registries, same seed: identical content; skopeo reads the config's created.
        async let first = RegistryServer.start()
        async let second = RegistryServer.start()
        let servers = try await [first, second]
        defer { servers.forEach { $0.stop() } }
        for server in servers {
            let pushed = try push(layout: try OCILayout.image(seed: "twin", created: created), to: server, repo: "twin", tag: "1")
            #expect(pushed == (try OCILayout.image(seed: "twin", created: created).digest))
        }
        let config = try skopeo(["inspect", "--config"] + servers[1].skopeoArgs + [servers[1].dockerReference("twin:1")])
        let object = try JSONSerialization.jsonObject(with: Data(config.stdout.utf8)) as? [String: Any]
        #expect(object?["created"] as? String == "2020-09-13T12:26:40Z")
        #expect(object?["architecture"] as? String == "amd64")
    }

    @Test("subprocesses: large stdin and stdout, stderr, exit status, timeout, a clean environment")
    func subprocesses() throws {
        let big = String(repeating: "0123456789abcdef\n", count: 200_000)
        let echoed = try run(["/bin/sh", "-c", "cat; echo oops >&2; exit 3"], stdin: big)
        #expect(echoed.stdout == big)
        #expect(echoed.stderr == "oops\n")
        #expect(echoed.status == 3)
        let early = try run(["/bin/sh", "-c", "head -c 10 >/dev/null; echo done"], stdin: big)
        #expect(early.stdout == "done\n" && early.status == 0)
        let slow = try run(["sleep", "30"], timeout: 0.5)
        #expect(slow.status == 128 + SIGKILL && slow.stderr.contains("killed after"))
        let env = try shell(
            "echo \"$DOCKER_CONFIG|${REG_USERNAME-unset}|$EXTRA\"; ls -A \"$DOCKER_CONFIG\" | wc -l", env: ["EXTRA": "x"])
        #expect(env.stdout == "\(emptyDockerConfig.path)|unset|x\n0\n")
        #expect(try shell(#"printf '{"a":1}\nnot json\n{"b":"x/y"}\n'"#).records.count == 2)
        // Children start as from a shell: nothing blocked (SIGTERM stops them), SIGPIPE at its default.
        let signals = try run(["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]).stdout
        #expect(signals.contains("SigBlk:\t0000000000000000"), "\(signals)")
        #expect(signals.contains("SigIgn:\t0000000180000000") || signals.contains("SigIgn:\t0000000000000000"))
        let pipeline = try shell("yes | head -1; echo \"${PIPESTATUS[0]}\"")
        #expect(pipeline.stdout == "y\n141\n" && pipeline.stderr.isEmpty, "\(pipeline)")
        #expect(TestSHA256.hash(Data()).count == 32)
        #expect(sha256Hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(FileManager.default.fileExists(atPath: packageRoot().appendingPathComponent("Package.swift").path))
    }

    @Test("our built tools are found and run")
    func tools() throws {
        #expect(FileManager.default.isExecutableFile(atPath: toolPath("reg-ls")), "\(toolDirectory().path)")
        let help = try reg("reg-ls", ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE") || help.stdout.contains("usage"))
    }

    @Test("several registries started at once get distinct ports")
    func concurrentStarts() async throws {
        let servers = try await withThrowingTaskGroup(of: RegistryServer.self) { group in
            for _ in 0..<4 { group.addTask { try await RegistryServer.start() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { servers.forEach { $0.stop() } }
        #expect(Set(servers.map(\.port)).count == 4)
        for server in servers { #expect(try Self.httpCode("\(server.baseURL)/v2/") == "200") }
    }
}
