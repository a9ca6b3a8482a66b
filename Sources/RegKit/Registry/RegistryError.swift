/// A registry's answer that means "no", or content that is not what it claims.
public enum RegistryError: TroubleReporting, Sendable, Equatable, CustomStringConvertible {
    /// 404: the repository, tag, manifest or blob does not exist.
    case notFound(what: String, code: String?)
    /// 401 after authenticating, or 403: the credentials lack the permission. `action` is the
    /// permission (`pull`, `delete`, `registry:catalog:*`); `credentials` where the credentials came
    /// from (`REG_USERNAME/REG_PASSWORD`, `anonymous`, ...).
    case denied(registry: String, what: String, action: String, status: Int, credentials: String)
    /// 401 and no credentials are known for the registry.
    case unauthenticated(registry: String, what: String)
    /// 405 on DELETE: the registry was started with deletion disabled.
    case deletionDisabled(registry: String)
    /// Any other status, with the registry's own error code and message.
    case unexpected(what: String, status: Int, message: String)
    /// Bytes that do not hash to the digest they were fetched by.
    case digestMismatch(what: String, expected: String, actual: String)
    /// A tag named with a digest (`TAG@DIGEST`, or a resolved record) points at another manifest now.
    case tagMoved(reference: String, points: String, expected: String)
    /// A manifest that cannot be parsed.
    case invalidManifest(reference: String, reason: String)
    /// A token endpoint that did not give a token.
    case tokenRefused(realm: String, status: Int, message: String)
    /// An HTTPS registry names a plain-HTTP token realm, which would get the credentials in clear text.
    case plainTextRealm(registry: String, realm: String)

    public var description: String {
        switch self {
        case .notFound(let what, let code):
            return "\(what): not found" + (code.map { " (\($0))" } ?? "")
        case .denied(let registry, let what, let action, let status, let credentials) where status == 401:
            return
                "\(what): denied by \(registry) (HTTP 401): wrong user name or password (from \(credentials)), or no \(action) permission"
                + RegistryError.catalogHint(action)
        case .denied(let registry, let what, let action, _, let credentials) where credentials == "anonymous":
            return
                "\(what): forbidden by \(registry) (HTTP 403): anonymous access lacks \(action) permission: log in (--username with --password-stdin, REG_USERNAME/REG_PASSWORD, or docker login)"
                + RegistryError.catalogHint(action)
        case .denied(let registry, let what, let action, _, let credentials):
            return
                "\(what): forbidden by \(registry) (HTTP 403): the credentials from \(credentials) lack \(action) permission"
                + RegistryError.catalogHint(action)
        case .unauthenticated(let registry, let what):
            return
                "\(what): \(registry) wants credentials: pass --username with --password-stdin, set REG_USERNAME/REG_PASSWORD, or log in with docker login"
        case .deletionDisabled(let registry):
            return
                "\(registry) refuses deletes (405): it runs with storage.delete.enabled false; enable it in the registry's configuration"
        case .unexpected(let what, let status, let message):
            return "\(what): HTTP \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .digestMismatch(let what, let expected, let actual):
            return "\(what): content is \(actual), not \(expected) as addressed: refusing it"
        case .tagMoved(let reference, let points, let expected):
            return
                "\(reference) points at \(points), not at \(expected) named with it: the tag moved; name the tag alone for where it points now, or the digest alone"
        case .invalidManifest(let reference, let reason):
            return "\(reference): invalid manifest (\(reason))"
        case .tokenRefused(let realm, let status, let message):
            return "token endpoint \(realm) answered \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .plainTextRealm(let registry, let realm):
            return
                "\(registry) sends us for tokens to \(realm), over plain HTTP: refusing to send the credentials there in clear text; have the registry's token realm use https://, or pass --insecure to send them anyway"
        }
    }

    /// Without the catalog permission, the tags of a named repository can still be listed.
    private static func catalogHint(_ action: String) -> String {
        action == AuthScope.catalog.value ? "; without it, list a repository with reg-tags REGISTRY/REPO" : ""
    }

    /// True for errors that are about the registry as a whole (it refuses us),
    /// which DESIGN.md counts as trouble (exit status 2), not as one failed record.
    public var isTrouble: Bool {
        switch self {
        case .denied, .unauthenticated, .deletionDisabled, .tokenRefused, .plainTextRealm: return true
        default: return false
        }
    }
}
