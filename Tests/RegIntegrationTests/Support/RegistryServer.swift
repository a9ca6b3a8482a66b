import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real registry (`docker-registry serve`, distribution 2.8) on a free loopback port with throwaway storage.
///
///     let server = try await RegistryServer.start(.init(tls: true, auth: .token))
///     defer { server.stop() }
///     try reg("reg-ls", [server.registry, "--ca-file", server.caFile!], env: ["REG_USERNAME": server.username!, ...])
///
/// Everything it makes (configuration, storage, certificates, logs) lives in one temporary ``directory``,
/// removed by ``stop()`` (also called on `deinit`). The registry's own output goes to ``logFile``.
final class RegistryServer: @unchecked Sendable {
    /// What kind of registry to start.
    struct Options: Sendable {
        /// HTTPS with a self-signed certificate for `127.0.0.1` (``caFile``); else plain HTTP.
        var tls = false
        var auth: Auth = .none
        /// `storage.delete.enabled`: when false, DELETE answers 405 UNSUPPORTED.
        var deleteEnabled = true
        /// With ``Auth/token``: actions the issuer never grants, as for a user without delete permission.
        var deniedActions: [String] = []
        /// Serve this folder (a scraped one) instead of throwaway storage; it is left in place by ``stop()``.
        var storage: URL?

        init(
            tls: Bool = false, auth: Auth = .none, deleteEnabled: Bool = true, deniedActions: [String] = [],
            storage: URL? = nil
        ) {
            self.tls = tls
            self.auth = auth
            self.deleteEnabled = deleteEnabled
            self.deniedActions = deniedActions
            self.storage = storage
        }
    }

    /// How the registry authenticates its callers.
    enum Auth: Sendable {
        /// Anonymous access to everything.
        case none
        /// HTTP Basic against an htpasswd (bcrypt) file holding ``RegistryServer/testUsername``.
        case htpasswd
        /// Bearer tokens from `token-issuer.py` (started alongside): the test user gets every action it asks for,
        /// anonymous callers get tokens with no access.
        case token
    }

    /// The fixed test credentials of the `.htpasswd` and `.token` registries.
    static let testUsername = "reg-tester"
    /// The response header by which a started registry is told from another on the same port.
    static let instanceHeader = "X-Reg-Test-Instance"
    static let testPassword = "pw-Zq8x-not-a-secret"
    /// `auth.token.service` and `auth.token.issuer` of `.token` registries.
    static let tokenService = "reg-test-registry"
    static let tokenIssuer = "reg-test-issuer"

    let options: Options
    /// The registry exactly as a user writes it for our tools: `http://127.0.0.1:PORT`, or `127.0.0.1:PORT` for TLS.
    let registry: String
    /// `127.0.0.1:PORT`, for `docker://` references and `http.addr`.
    let hostPort: String
    let port: Int
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, for curl.
    let baseURL: String
    /// `storage.filesystem.rootdirectory`; the tree is under `docker/registry/v2/`.
    let storageRoot: URL
    /// The self-signed certificate (PEM) of a TLS registry: the CA to trust (`--ca-file`, `curl --cacert`).
    let caFile: String?
    /// The test credentials, for `.htpasswd` and `.token` registries; nil for anonymous ones.
    let username: String?
    let password: String?
    /// The token endpoint (`auth.token.realm`) of a `.token` registry.
    let tokenRealm: String?
    /// The temporary directory that holds everything this server made.
    let directory: URL
    /// The registry's stdout and stderr (`log.level: error`).
    var logFile: URL { directory.appendingPathComponent("registry.log") }
    /// The token issuer's stdout and stderr.
    var issuerLogFile: URL { directory.appendingPathComponent("issuer.log") }

    private let lock = NSLock()
    private var processes: [Process]
    private var stopped = false

    private init(
        options: Options, port: Int, directory: URL, caFile: String?, tokenRealm: String?, processes: [Process]
    ) {
        self.options = options
        self.port = port
        self.hostPort = "127.0.0.1:\(port)"
        self.registry = options.tls ? hostPort : "http://\(hostPort)"
        self.baseURL = (options.tls ? "https://" : "http://") + hostPort
        self.directory = directory
        self.storageRoot = options.storage ?? directory.appendingPathComponent("storage")
        self.caFile = caFile
        self.tokenRealm = tokenRealm
        self.username = options.auth == .none ? nil : Self.testUsername
        self.password = options.auth == .none ? nil : Self.testPassword
        self.processes = processes
    }

    deinit { stop() }

    // MARK: What tests hand to other programs

    /// Flags for `skopeo inspect|list-tags|delete` against this registry: `--tls-verify=false`, and `--creds`
    /// when it wants authentication.
    var skopeoArgs: [String] { ["--tls-verify=false"] + credentialFlag("--creds") }
    /// The same for the source of `skopeo copy`.
    var skopeoSourceArgs: [String] { ["--src-tls-verify=false"] + credentialFlag("--src-creds") }
    /// The same for the destination of `skopeo copy`.
    var skopeoDestArgs: [String] { ["--dest-tls-verify=false"] + credentialFlag("--dest-creds") }

    /// `docker://127.0.0.1:PORT/REF` for skopeo, where `ref` is `repo:tag` or `repo@digest`.
    func dockerReference(_ ref: String) -> String { "docker://\(hostPort)/\(ref)" }

    /// Flags for curl: `--cacert` for TLS and `--user` for htpasswd registries (not for token ones: see
    /// ``bearerToken(scopes:)``).
    var curlArgs: [String] {
        (caFile.map { ["--cacert", $0] } ?? [])
            + (options.auth == .htpasswd ? ["--user", "\(Self.testUsername):\(Self.testPassword)"] : [])
    }

    /// The environment our tools read credentials from (`REG_USERNAME`, `REG_PASSWORD`); empty when anonymous.
    var credentialEnvironment: [String: String] {
        guard let username, let password else { return [:] }
        return ["REG_USERNAME": username, "REG_PASSWORD": password]
    }

    private func credentialFlag(_ flag: String) -> [String] {
        guard let username, let password else { return [] }
        return [flag, "\(username):\(password)"]
    }

    // MARK: Token issuer

    /// How many tokens the issuer of a `.token` registry has handed out so far (anonymous ones included).
    func tokensIssued() throws -> Int {
        try tokenStats()["issued"] ?? 0
    }

    /// How many token requests the issuer refused (wrong credentials).
    func tokensRefused() throws -> Int {
        try tokenStats()["refused"] ?? 0
    }

    /// Every request the issuer answered, oldest first: `method`, `service`, `scopes`, `account`, `user`, `status`,
    /// and the `access` it granted.
    func tokenRequests() throws -> [[String: Any]] {
        guard options.auth == .token else { throw HarnessError("not a token registry") }
        let log = directory.appendingPathComponent("issuer/requests.ndjson")
        guard let data = try? Data(contentsOf: log) else { return [] }
        return ToolResult(status: 0, stdout: String(decoding: data, as: UTF8.self), stderr: "").records
    }

    /// A token for `scopes` (e.g. `["registry:catalog:*"]`) fetched with the test credentials, as a client would.
    func bearerToken(scopes: [String], authenticated: Bool = true) throws -> String {
        guard let tokenRealm else { throw HarnessError("not a token registry") }
        var args = ["--fail", "--get", tokenRealm, "--data-urlencode", "service=\(Self.tokenService)"]
        for scope in scopes { args += ["--data-urlencode", "scope=\(scope)"] }
        if authenticated { args += ["--user", "\(Self.testUsername):\(Self.testPassword)"] }
        let result = try curl(args)
        guard result.status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let token = object["token"] as? String
        else { throw HarnessError("token request failed: \(result)") }
        return token
    }

    private func tokenStats() throws -> [String: Int] {
        guard options.auth == .token else { throw HarnessError("not a token registry") }
        let data = try Data(contentsOf: directory.appendingPathComponent("issuer/stats.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Int]) ?? [:]
    }

    // MARK: Life cycle

    /// Stops the registry (and its token issuer) and deletes its temporary directory. Safe to call twice.
    func stop() {
        let running: [Process]? = lock.withLock {
            if stopped { return nil }
            stopped = true
            return processes
        }
        guard let running else { return }
        running.reversed().forEach(Self.terminate)  // the registry, then its token issuer
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts a registry configured as `options` and returns once `GET /v2/` answers (200, or 401 when it wants
    /// authentication). Throws, with the registry's last log lines, when it exits or is not ready within 10 s.
    ///
    /// The work (openssl, the issuer, polling) runs on a thread of its own, not on Swift's cooperative pool: the
    /// other tests block that pool with their subprocesses, and a starved poll would miss its deadline.
    static func start(_ options: Options = .init()) async throws -> RegistryServer {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try startBlocking(options) }) }
            thread.name = "RegistryServer.start"
            thread.start()
        }
    }

    /// ``start(_:)`` for synchronous callers: blocks the calling thread until the registry is ready.
    static func startBlocking(_ options: Options = .init()) throws -> RegistryServer {
        let directory = try makeTemporaryDirectory("registry")
        var started: [Process] = []
        do {
            let storage = options.storage ?? directory.appendingPathComponent("storage")
            try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
            var config: [String: Any] = [
                "version": "0.1",
                "log": ["level": "error", "accesslog": ["disabled": true]],
                "storage": [
                    "filesystem": ["rootdirectory": storage.path],
                    "delete": ["enabled": options.deleteEnabled],
                    "maintenance": ["uploadpurging": ["enabled": false]],
                ],
                "health": ["storagedriver": ["enabled": false]],
            ]
            // Each registry names itself in a header, so that the readiness probe cannot take
            // another test's registry, which won the race for the same port, for this one.
            let instance = UUID().uuidString
            var http: [String: Any] = [
                "secret": "reg-integration-tests-http-secret", "headers": [instanceHeader: [instance]],
            ]
            var caFile: String?
            if options.tls {
                let tls = try KeyPairs.copy(.tls, into: directory.appendingPathComponent("tls"))
                http["tls"] = ["certificate": tls.cert.path, "key": tls.key.path]
                caFile = tls.cert.path
            }
            var tokenRealm: String?
            switch options.auth {
            case .none:
                break
            case .htpasswd:
                let file = directory.appendingPathComponent("htpasswd")
                let result = try run(["htpasswd", "-Bin", testUsername], stdin: testPassword + "\n")
                guard result.status == 0 else { throw HarnessError("htpasswd failed: \(result)") }
                try Data(result.stdout.utf8).write(to: file)
                config["auth"] = ["htpasswd": ["realm": "reg-test", "path": file.path]]
            case .token:
                let (issuer, port, signer) = try startIssuer(in: directory, denying: options.deniedActions)
                started.append(issuer)
                tokenRealm = "http://127.0.0.1:\(port)/token"
                config["auth"] = [
                    "token": [
                        "realm": tokenRealm!, "service": tokenService, "issuer": tokenIssuer,
                        "rootcertbundle": signer.path,
                    ]
                ]
            }

            var failure = ""
            for _ in 0..<5 {
                let port = try freePort()
                http["addr"] = "127.0.0.1:\(port)"
                config["http"] = http
                let configFile = directory.appendingPathComponent("config.yml")
                // JSON is YAML: no hand-written quoting of paths.
                try JSONSerialization.data(
                    withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                )
                .write(to: configFile)
                let log = directory.appendingPathComponent("registry.log")
                let process = try launch(["docker-registry", "serve", configFile.path], log: log)
                let scheme = options.tls ? "https" : "http"
                if try waitUntilReady("\(scheme)://127.0.0.1:\(port)/v2/", instance: instance, process: process, log: log) {
                    started.append(process)
                    return RegistryServer(
                        options: options, port: port, directory: directory, caFile: caFile, tokenRealm: tokenRealm,
                        processes: started)
                }
                terminate(process)
                failure = tail(of: log)
                // Lost a race for the port: another process took it between freePort() and the registry's bind.
                guard failure.contains("address already in use") else { break }
            }
            throw HarnessError("docker-registry did not start (\(options)):\n\(failure)")
        } catch {
            started.forEach(terminate)
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Starts `token-issuer.py` (it binds port 0 itself and writes the port to a file); returns it, its port and the
    /// signing certificate (the registry's `rootcertbundle`).
    private static func startIssuer(in directory: URL, denying denied: [String]) throws -> (Process, Int, URL) {
        let home = directory.appendingPathComponent("issuer")
        let signer = try KeyPairs.copy(.tokenSigner, into: home)
        let passwordFile = home.appendingPathComponent("password")
        try Data(testPassword.utf8).write(to: passwordFile)
        let portFile = home.appendingPathComponent("port")
        let script = packageRoot().appendingPathComponent("Tests/RegIntegrationTests/Support/token-issuer.py")
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let process = try launch(
            [
                python, "-u", script.path, "--key", signer.key.path, "--cert", signer.cert.path, "--issuer", tokenIssuer,
                "--service", tokenService, "--username", testUsername, "--password-file", passwordFile.path,
                "--port-file", portFile.path, "--stats", home.appendingPathComponent("stats.json").path,
                "--log", home.appendingPathComponent("requests.ndjson").path,
            ] + denied.flatMap { ["--deny", $0] }, log: directory.appendingPathComponent("issuer.log"))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return (process, port, signer.cert)
            }
            usleep(20_000)
        }
        terminate(process)
        throw HarnessError("token-issuer.py did not start:\n\(tail(of: directory.appendingPathComponent("issuer.log")))")
    }

    /// Polls `url` until this registry (its instance header) answers 200 or 401 (true), the process exits
    /// (false) or 90 s pass (throws): with the whole suite starting registries at once on two cores
    /// (a seventy-test suite, and whatever else the machine runs), a start can take tens of seconds.
    private static func waitUntilReady(_ url: String, instance: String, process: Process, log: URL) throws -> Bool {
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            guard process.isRunning else { return false }
            let probe = try curl([
                "--insecure", "--max-time", "1", "--output", "/dev/null", "--write-out",
                "%{http_code} %header{\(instanceHeader)}", url,
            ])
            if probe.stdout == "200 \(instance)" || probe.stdout == "401 \(instance)" { return true }
            usleep(25_000)
        }
        terminate(process)
        throw HarnessError("\(url) not ready after 90 s:\n\(tail(of: log))")
    }

    /// Starts a long-running process with stdin from /dev/null and stdout and stderr appended to `log`.
    private static func launch(_ argv: [String], log: URL) throws -> Process {
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        guard let output = FileHandle(forWritingAtPath: log.path) else { throw HarnessError("cannot write \(log.path)") }
        defer { try? output.close() }
        try output.seekToEnd()
        let process = Process()
        process.executableURL = try executableURL(argv[0], path: ProcessInfo.processInfo.environment["PATH"])
        process.arguments = Array(argv.dropFirst())
        process.environment = testEnvironment()
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = output
        process.standardError = output
        try startCleanly(process)
        return process
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the exit.
    private static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A port that was free a moment ago: bind 127.0.0.1:0, read the port the kernel chose, close.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw HarnessError("bind: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw HarnessError("getsockname: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Self-signed RSA key pairs, generated once per test process (openssl is slow enough to matter) and copied into
/// each server's directory.
enum KeyPairs {
    enum Kind: String {
        /// The registry's HTTPS certificate: CN and subjectAltName 127.0.0.1 (and DNS localhost).
        case tls
        /// The token issuer's signing key and certificate (sent as `x5c`, trusted as `rootcertbundle`).
        case tokenSigner
    }

    private static let lock = NSLock()
    private nonisolated(unsafe) static var made: [Kind: URL] = [:]
    private static let home: URL = FileManager.default.temporaryDirectory.appendingPathComponent(
        "reg-it-keys-\(ProcessInfo.processInfo.processIdentifier)")

    /// Copies the pair of `kind` into `directory` as `cert.pem` and `key.pem` (made first if need be).
    static func copy(_ kind: Kind, into directory: URL) throws -> (cert: URL, key: URL) {
        let source = try pair(kind)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cert = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        try FileManager.default.copyItem(at: source.appendingPathComponent("cert.pem"), to: cert)
        try FileManager.default.copyItem(at: source.appendingPathComponent("key.pem"), to: key)
        return (cert, key)
    }

    private static func pair(_ kind: Kind) throws -> URL {
        try lock.withLock {
            if let made = made[kind] { return made }
            let directory = home.appendingPathComponent(kind.rawValue)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let subject = kind == .tls ? "/CN=127.0.0.1" : "/CN=reg-test-token-issuer"
            var argv = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject,
                "-keyout", directory.appendingPathComponent("key.pem").path,
                "-out", directory.appendingPathComponent("cert.pem").path,
            ]
            if kind == .tls { argv += ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"] }
            let result = try run(argv)
            guard result.status == 0 else { throw HarnessError("openssl req failed: \(result)") }
            if made.isEmpty { atexit { try? FileManager.default.removeItem(at: KeyPairs.home) } }
            made[kind] = directory
            return directory
        }
    }
}

// MARK: Outages

extension RegistryServer {
    /// Stops the registry process alone, as an outage does: the port refuses connections, the storage and the
    /// configuration stay for ``restartRegistry()``.
    func stopRegistry() {
        let registry = lock.withLock { stopped ? nil : processes.last }
        if let registry { Self.terminate(registry) }
    }

    /// Starts the registry again on its port with its storage and configuration; returns once it answers.
    func restartRegistry() throws {
        let configFile = directory.appendingPathComponent("config.yml")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: configFile)) as? [String: Any]
        let headers = (config?["http"] as? [String: Any])?["headers"] as? [String: [String]]
        guard let instance = headers?[Self.instanceHeader]?.first else { throw HarnessError("no instance in \(configFile.path)") }
        let process = try Self.launch(["docker-registry", "serve", configFile.path], log: logFile)
        let scheme = options.tls ? "https" : "http"
        guard try Self.waitUntilReady("\(scheme)://\(hostPort)/v2/", instance: instance, process: process, log: logFile) else {
            throw HarnessError("docker-registry did not start again on \(hostPort):\n\(tail(of: logFile))")
        }
        lock.withLock { processes[processes.count - 1] = process }
    }
}
