public import Foundation
import Subprocess
import Synchronization

/// A user name and password (or token) for one registry.
public struct Credentials: Sendable, Hashable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The `Authorization` value for HTTP Basic.
    var basicAuthorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}

/// Finds the credentials for a registry, first match wins (DESIGN.md):
/// `--username` with `--password-stdin`, then `REG_USERNAME`/`REG_PASSWORD`, then the
/// `--authfile`'s, else the Docker config's, one store for the host, chosen as the Docker CLI chooses it (`credHelpers`
/// for the host, else `credsStore`, else `auths`), then anonymous.
///
/// Credentials are looked up by `host[:port]`, without regard to case (Docker Hub under
/// `https://index.docker.io/v1/` or any of its names), and sent only to that registry (and to
/// the token service its challenge names).
public final class CredentialStore: Sendable {
    /// Credentials for a host and where they came from.
    private struct Found: Sendable {
        var credentials: Credentials?
        /// For messages: `--username`, `REG_USERNAME/REG_PASSWORD`, a helper or `auths` in a named file.
        var source: String
    }

    private let explicit: Found?
    /// Set when the environment holds half of `REG_USERNAME`/`REG_PASSWORD`, which is ignored: the
    /// tool says so once, rather than going on anonymously or with the Docker config unannounced.
    public let environmentWarning: String?
    /// The Docker-config-format files asked in turn: `--authfile`, then the Docker config.
    private let configPaths: [String]
    private let helperTimeout: Int
    /// A lookup per host: running (every request that needs the host waits for the one
    /// lookup), then its answer. Failures are remembered too: a helper that hangs is waited for
    /// once per run, not per request.
    private enum Lookup {
        case running(Task<Result<Found, CredentialError>, Never>)
        case done(Result<Found, CredentialError>)
    }
    private let lookups = Mutex<[String: Lookup]>([:])

    /// - Parameters:
    ///   - explicit: from the command line (`--username`, `--password-stdin`).
    ///   - authFile: a file in the Docker config's format (`--authfile`, as skopeo and podman take),
    ///     asked before the Docker config.
    ///   - environment: the process environment, for `REG_USERNAME`, `REG_PASSWORD`, `DOCKER_CONFIG`, `HOME`.
    ///   - helperTimeout: seconds a `docker-credential-*` helper may take before it is stopped (`--timeout`).
    public init(
        explicit: Credentials? = nil, authFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, helperTimeout: Int = 30
    ) {
        self.helperTimeout = helperTimeout
        let user = environment["REG_USERNAME"]
        let password = environment["REG_PASSWORD"]
        environmentWarning =
            explicit != nil || (user == nil) == (password == nil)
            ? nil
            : "\(user == nil ? "REG_PASSWORD" : "REG_USERNAME") is set without \(user == nil ? "REG_USERNAME" : "REG_PASSWORD"), so it is ignored: set both, or unset it"
        if let explicit {
            self.explicit = Found(credentials: explicit, source: "--username")
        } else if let user, let password {
            self.explicit = Found(
                credentials: Credentials(username: user, password: password), source: "REG_USERNAME/REG_PASSWORD")
        } else {
            self.explicit = nil
        }
        let dockerConfig =
            environment["DOCKER_CONFIG"].map { $0 + "/config.json" } ?? environment["HOME"].map { $0 + "/.docker/config.json" }
        configPaths = [authFile, dockerConfig].compactMap { $0 }
    }

    /// The credentials for `host` (`host[:port]`), or nil for anonymous access.
    /// - Throws: ``CredentialError`` when the Docker config or a helper fails.
    public func credentials(for host: String) async throws(CredentialError) -> Credentials? {
        try await found(for: host).credentials
    }

    /// Where the credentials for `host` came from, for messages (never the credentials themselves):
    /// `--username`, `REG_USERNAME/REG_PASSWORD`, `docker-credential-NAME (credsStore in FILE)`,
    /// `auths in FILE`, or `anonymous`. It names what a finished lookup found, so what the
    /// requests to `host` were sent with, and runs no helper itself.
    public func source(for host: String) -> String {
        if let explicit { return explicit.source }
        guard case .done(.success(let found)) = lookups.withLock({ $0[host] }), found.credentials != nil else {
            return "anonymous"
        }
        return found.source
    }

    private func found(for host: String) async throws(CredentialError) -> Found {
        if let explicit { return explicit }
        let lookup = lookups.withLock { lookups in
            if let known = lookups[host] { return known }
            let task = Task { () -> Result<Found, CredentialError> in
                do throws(CredentialError) {
                    return .success(try await self.lookUpDockerConfig(host: host))
                } catch {
                    return .failure(error)
                }
            }
            lookups[host] = .running(task)
            return .running(task)
        }
        switch lookup {
        case .done(let result):
            return try result.get()
        case .running(let task):
            let result = await task.value
            lookups.withLock { $0[host] = .done(result) }
            return try result.get()
        }
    }

    private func lookUpDockerConfig(host: String) async throws(CredentialError) -> Found {
        for path in configPaths {
            if let found = try await lookUp(host: host, in: path) { return found }
        }
        return Found(credentials: nil, source: "anonymous")
    }

    /// What the Docker-config-format file at `path` says for `host`, or nil when the file is
    /// missing or has no store for the host.
    private func lookUp(host: String, in path: String) async throws(CredentialError) -> Found? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let config: DockerConfig
        do {
            config = try JSONDecoder().decode(DockerConfig.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CredentialError.unreadableConfig(path: path)
        }
        // One store answers for a registry, as in the Docker CLI (GetCredentialsStore in
        // cli/config/configfile/file.go): the registry's own helper, else the default store,
        // else what `auths` holds inline. A helper that has nothing for it means anonymous, as
        // for `docker pull`: an `auths` entry behind a helper is not used.
        let keys = DockerConfig.keys(for: host)
        if let helper = DockerConfig.entry(in: config.credHelpers, for: keys)?.value {
            return Found(
                credentials: try await CredentialHelper(name: helper, timeout: helperTimeout).get(keys: keys),
                source: "docker-credential-\(helper) (credHelpers in \(path))")
        }
        if let store = config.credsStore, !store.isEmpty {
            return Found(
                credentials: try await CredentialHelper(name: store, timeout: helperTimeout).get(keys: keys),
                source: "docker-credential-\(store) (credsStore in \(path))")
        }
        if let entry = DockerConfig.entry(in: config.auths, for: keys)?.value {
            return Found(credentials: try entry.credentials(path: path), source: "auths in \(path)")
        }
        return nil
    }
}

/// The parts of `~/.docker/config.json` that hold credentials.
struct DockerConfig: Decodable {
    struct Entry: Decodable {
        var auth: String?
        var username: String?
        var password: String?

        func credentials(path: String) throws(CredentialError) -> Credentials? {
            if let auth, !auth.isEmpty {
                guard let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
                    let colon = decoded.firstIndex(of: ":")
                else { throw CredentialError.unreadableConfig(path: path) }
                return Credentials(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
            }
            if let username, let password { return Credentials(username: username, password: password) }
            return nil
        }
    }

    var auths: [String: Entry]?
    var credHelpers: [String: String]?
    var credsStore: String?

    /// The login Docker writes for Docker Hub: the key in `auths`, `credHelpers` and a store.
    static let dockerHubKey = "https://index.docker.io/v1/"

    /// The keys a registry's login may be filed under, best first: its `host[:port]`; for
    /// Docker Hub, Docker's own key and then each name of Docker Hub (`docker login
    /// index.docker.io` files the login under that name).
    static func keys(for host: String) -> [String] {
        RegistryAddress.isDockerHub(host: host)
            ? [dockerHubKey, "index.docker.io", "docker.io", RegistryAddress.dockerHubAPIHost] : [host.lowercased()]
    }

    /// The entry of `table` for the first of `keys` it has: a key written exactly so (without
    /// regard to case), else one naming the same `host[:port]` (`auths` keys are written `host`,
    /// `host:port` or `https://host/v1/`), the least of several, so that the answer never
    /// depends on the order of a dictionary.
    static func entry<Value>(in table: [String: Value]?, for keys: [String]) -> (key: String, value: Value)? {
        guard let table else { return nil }
        for key in keys {
            if let exact = table.first(where: { $0.key.lowercased() == key.lowercased() }) { return exact }
            let host = hostPart(of: key)
            if let same = table.keys.filter({ hostPart(of: $0) == host }).min() { return (same, table[same]!) }
        }
        return nil
    }

    /// `host[:port]` of a key without scheme or path, lower-cased: host names compare without
    /// regard to case, as DNS does.
    private static func hostPart(of key: String) -> String {
        var k = Substring(key.lowercased())
        for prefix in ["https://", "http://"] where k.hasPrefix(prefix) { k = k.dropFirst(prefix.count) }
        if let slash = k.firstIndex(of: "/") { k = k[..<slash] }
        return String(k)
    }
}

/// A `docker-credential-NAME` program, asked with `get` and the server's key on standard input.
struct CredentialHelper {
    let name: String
    /// Seconds the helper may take; then it is killed (a helper waiting for a keychain prompt nobody sees).
    let timeout: Int

    /// Asks for each of `keys` in turn (``DockerConfig/keys(for:)``) until the helper knows one.
    /// - Returns: nil when the helper has nothing for any of them.
    /// - Throws: ``CredentialError`` naming the helper and the key it was asked for.
    func get(keys: [String]) async throws(CredentialError) -> Credentials? {
        for key in keys {
            if let credentials = try await get(key: key) { return credentials }
        }
        return nil
    }

    private func get(key host: String) async throws(CredentialError) -> Credentials? {
        let answer: (succeeded: Bool, output: Data)?
        do {
            answer = try await run(input: host)
        } catch let error as SubprocessError where error.code == .executableNotFound {
            throw CredentialError.helperMissing(name: name)
        } catch {
            throw CredentialError.helperFailed(name: name, host: host)
        }
        guard let answer else { throw CredentialError.helperTimedOut(name: name, host: host, seconds: timeout) }
        guard answer.succeeded else {
            // Helpers exit non-zero with "credentials not found" for unknown hosts.
            if String(decoding: answer.output, as: UTF8.self).lowercased().contains("not found") { return nil }
            throw CredentialError.helperFailed(name: name, host: host)
        }
        struct Answer: Decodable { var Username: String; var Secret: String }
        guard let parsed = try? JSONDecoder().decode(Answer.self, from: answer.output) else {
            throw CredentialError.helperFailed(name: name, host: host)
        }
        return Credentials(username: parsed.Username, password: parsed.Secret)
    }

    /// Runs `docker-credential-NAME get` with `input` on standard input (never in its arguments).
    /// - Returns: whether it exited 0, and its standard output; nil when it gave no answer within
    ///   `timeout` and was killed.
    /// - Throws: when the helper cannot be started (not on `PATH`) or its output is not read.
    private func run(input: String) async throws -> (succeeded: Bool, output: Data)? {
        // A helper that exits without reading its input must not end us with SIGPIPE.
        ignoreBrokenPipeSignal()
        let helper = Executable.name("docker-credential-" + name)
        let seconds = timeout
        // Cancelling the run at the time limit tears the helper down.
        return try await withinTimeLimit(seconds: Double(seconds)) {
            var options = PlatformOptions()
            // A process group of its own, so that the kill takes whatever the helper started
            // too (a shell script's `sleep` would otherwise hold its output open).
            options.processGroupID = 0
            options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1))]
            let result = try await Subprocess.run(
                helper, arguments: ["get"], platformOptions: options, input: .inputWriter,
                output: .data(limit: 1 << 20), error: .discarded
            ) { execution in
                // Written here rather than as `input: .string(...)`: swift-subprocess 1.0.2 traps
                // on that path when the write fails (a helper that exits without reading). The
                // failed write is no error of its own: the helper's exit status tells.
                _ = try? await execution.standardInputWriter.write(input)
            }
            return (result.terminationStatus.isSuccess, result.standardOutput)
        }
    }
}

/// Credentials that could not be read.
public enum CredentialError: Error, CustomStringConvertible {
    /// The Docker config is not valid JSON, or an `auth` entry is not base64 `user:password`.
    case unreadableConfig(path: String)
    /// `docker-credential-NAME` is not on `PATH`.
    case helperMissing(name: String)
    /// `docker-credential-NAME get` failed or answered nonsense.
    case helperFailed(name: String, host: String)
    /// `docker-credential-NAME get` gave no answer within `seconds` (`--timeout`) and was stopped.
    case helperTimedOut(name: String, host: String, seconds: Int)

    public var description: String {
        switch self {
        case .unreadableConfig(let path):
            return "\(path): cannot read the Docker config (invalid JSON or auth entry)"
        case .helperMissing(let name):
            return
                "docker-credential-\(name) is not on PATH: install it, or take \"\(name)\" out of credsStore or credHelpers in the Docker config"
        case .helperFailed(let name, let host):
            return "docker-credential-\(name) get failed for \(host): is the helper installed and logged in?"
        case .helperTimedOut(let name, let host, let seconds):
            return
                "docker-credential-\(name) get gave no answer for \(host) within \(seconds) s (--timeout) and was stopped: does it wait for a keychain to be unlocked, or for a prompt nobody sees?"
        }
    }
}
