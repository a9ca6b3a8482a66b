import Foundation

/// What a request needs permission for, as a token scope:
/// `repository:team/app:pull`, `repository:team/app:pull,push`, `registry:catalog:*`.
public struct AuthScope: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public static let catalog = AuthScope("registry:catalog:*")
    public static func pull(_ repo: String) -> AuthScope { AuthScope("repository:\(repo):pull") }
    public static func push(_ repo: String) -> AuthScope { AuthScope("repository:\(repo):pull,push") }
    public static func delete(_ repo: String) -> AuthScope { AuthScope("repository:\(repo):delete") }
    /// Push to `repo` and pull from `source`, in one token: what a cross-repository mount needs.
    public static func pushAndPull(_ repo: String, from source: String) -> AuthScope {
        AuthScope("repository:\(repo):pull,push repository:\(source):pull")
    }

    /// Each scope a token is asked for; several go in one request, one `scope` parameter each.
    public var parts: [String] { value.split(separator: " ").map(String.init) }

    /// The action part of the first scope, for messages: `pull`, `pull,push`, `*`.
    public var actions: String { parts.first?.split(separator: ":").last.map(String.init) ?? value }
    public var description: String { value }
}

/// Authorizes requests to registries: HTTP Basic or Bearer tokens, following the
/// registry's challenge, with tokens cached per registry and scope until they expire.
actor Authenticator {
    private struct TokenKey: Hashable {
        let host: String
        let scope: String
    }

    private struct Token {
        let value: String
        let expires: Date
    }

    private let credentials: CredentialStore
    /// `--insecure`: the user accepts a plain-HTTP token realm for an HTTPS registry.
    private let allowsPlainRealm: Bool
    private let fetchToken: @Sendable (HTTPRequest) async throws -> HTTPResponse
    /// The challenge each registry answered with, once known.
    private var challenges: [String: AuthChallenge] = [:]
    private var tokens: [TokenKey: Token] = [:]
    private var pending: [TokenKey: Task<Token, any Error>] = [:]

    /// - Parameters:
    ///   - allowsPlainRealm: send credentials to a plain-HTTP token realm named by an HTTPS registry (`--insecure`).
    init(
        credentials: CredentialStore, allowsPlainRealm: Bool,
        fetchToken: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) {
        self.credentials = credentials
        self.allowsPlainRealm = allowsPlainRealm
        self.fetchToken = fetchToken
    }

    /// The `Authorization` value to send to `registry` for `scope`, when the registry's
    /// scheme is already known; nil before the first challenge.
    func authorization(registry: RegistryAddress, scope: AuthScope) async throws -> String? {
        guard let challenge = challenges[registry.host] else { return nil }
        return try await authorization(for: challenge, registry: registry, scope: scope)
    }

    /// Learns the registry's scheme from a 401 and returns the `Authorization` to
    /// retry with, or nil when there is nothing better to send.
    /// - Throws: ``RegistryError/unauthenticated`` when no credentials are known for Basic.
    /// - Parameter sent: the `Authorization` the refused request carried.
    func challenged(registry: RegistryAddress, scope: AuthScope, header: String?, sent: String?) async throws -> String? {
        let parsed = header.map(AuthChallenge.parse) ?? []
        guard let challenge = parsed.first(where: { $0.scheme == .bearer }) ?? parsed.first else { return nil }
        challenges[registry.host] = challenge
        let key = TokenKey(host: registry.host, scope: scope.value)
        if challenge.scheme == .bearer, let cached = tokens[key], sent == "Bearer " + cached.value {
            // The token we sent was not enough: fetch a new one. A request that went out
            // before the token was fetched (concurrent first requests) leaves it cached.
            tokens.removeValue(forKey: key)
        }
        return try await authorization(for: challenge, registry: registry, scope: scope)
    }

    /// True when credentials are known for `host`, so a refusal means "not allowed"
    /// rather than "who are you?".
    func hasCredentials(host: String) async -> Bool {
        ((try? await credentials.credentials(for: host)) ?? nil) != nil
    }

    private func authorization(for challenge: AuthChallenge, registry: RegistryAddress, scope: AuthScope) async throws
        -> String?
    {
        switch challenge.scheme {
        case .basic:
            return try await credentials.credentials(for: registry.host)?.basicAuthorization
        case .bearer:
            return "Bearer " + (try await token(registry: registry, scope: scope, challenge: challenge).value)
        }
    }

    private func token(registry: RegistryAddress, scope: AuthScope, challenge: AuthChallenge) async throws -> Token {
        let key = TokenKey(host: registry.host, scope: scope.value)
        if let token = tokens[key], token.expires > Date() { return token }
        if let task = pending[key] { return try await task.value }
        // Pending from here on, before any suspension: requests that meet the same challenge
        // at once share one token request.
        let (store, fetch, allowsPlainRealm) = (self.credentials, fetchToken, self.allowsPlainRealm)
        let task = Task {
            let credentials = try await store.credentials(for: registry.host)
            if credentials != nil, !registry.plainHTTP, !allowsPlainRealm,
                let realm = challenge.realm, URLComponents(string: realm)?.scheme?.lowercased() == "http"
            {
                // The token request carries the password as HTTP Basic: over plain HTTP, anyone on
                // the path reads it, although the registry itself was reached over HTTPS.
                throw RegistryError.plainTextRealm(registry: registry.name, realm: realm)
            }
            return try await Authenticator.requestToken(
                challenge: challenge, scope: scope, credentials: credentials, fetch: fetch)
        }
        pending[key] = task
        defer { pending[key] = nil }
        let token = try await task.value
        tokens[key] = token
        return token
    }

    private static func requestToken(
        challenge: AuthChallenge, scope: AuthScope, credentials: Credentials?,
        fetch: @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) async throws -> Token {
        guard let realm = challenge.realm, var components = URLComponents(string: realm) else {
            throw RegistryError.tokenRefused(realm: challenge.realm ?? "(none)", status: 0, message: "challenge names no realm")
        }
        var query = components.queryItems ?? []
        if let service = challenge.service { query.append(URLQueryItem(name: "service", value: service)) }
        for part in scope.parts { query.append(URLQueryItem(name: "scope", value: part)) }
        if let credentials { query.append(URLQueryItem(name: "account", value: credentials.username)) }
        components.queryItems = query
        var request = HTTPRequest(.get, components.string ?? realm)
        if let credentials { request.setHeader("Authorization", credentials.basicAuthorization) }
        let response = try await fetch(request)
        guard response.isSuccess else {
            let message = RegistryClient.errorMessage(response)
            throw RegistryError.tokenRefused(realm: realm, status: response.status, message: message)
        }
        struct Answer: Decodable {
            var token: String?
            var access_token: String?
            var expires_in: Double?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body),
            let value = answer.token ?? answer.access_token, !value.isEmpty
        else {
            throw RegistryError.tokenRefused(realm: realm, status: response.status, message: "answer holds no token")
        }
        // The spec's default lifetime is 60 s; renew a little before the end.
        let lifetime = max((answer.expires_in ?? 60) - 10, 5)
        return Token(value: value, expires: Date().addingTimeInterval(lifetime))
    }
}
