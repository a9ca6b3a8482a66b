import Foundation

/// How a listing (`_catalog`, `tags/list`) walks its pages: the one place the paging rules live.
///
/// A listing is complete or it is an error. Registries page in three ways, all followed:
/// a `Link` header with `rel="next"` (distribution), `n`/`last` honoured without any `Link`
/// (the OCI spec makes `Link` optional), or everything in one answer (distribution's
/// `tags/list` ignores `n`). So a page without `Link` that is exactly as long as the `n` asked
/// is followed by a request with `last=` set to its final entry. A page that repeats what was
/// already seen (a registry ignoring `last`) ends the listing only when a smaller `n` shows that
/// the registry ignores `n` too (so its one page was the whole list); otherwise, and for a `Link`
/// back to a page already read, the listing is an error.
public enum Paging {
    /// The page sizes asked for, largest first. A registry that refuses one with 400 gets the
    /// next: distribution refuses `n` above 1000, quay above 100; the last choice sends no `n`
    /// at all, as skopeo does.
    public static let pageSizes: [Int?] = [1000, 100, nil]

    /// The URL of the first page: `base` with `n` when a size is given.
    public static func firstURL(_ base: String, pageSize: Int?) -> String {
        guard let pageSize else { return base }
        return base + "?n=\(pageSize)"
    }

    /// The URL of the page after one that came without a `rel="next"` link, or nil when the
    /// listing ended.
    /// - Parameters:
    ///   - base: the listing's URL without query (`.../v2/_catalog`).
    ///   - entries: the entries of the page just read, in the order the registry sent them.
    ///   - pageSize: the `n` that page was asked with, nil when none was sent.
    public static func continuation(_ base: String, entries: [String], pageSize: Int?) -> String? {
        guard let pageSize, entries.count == pageSize, let last = entries.last else { return nil }
        return base + "?n=\(pageSize)&last=" + queryEscaped(last)
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
