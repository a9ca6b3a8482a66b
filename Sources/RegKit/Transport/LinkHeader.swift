import Foundation

/// The `Link` header of a paged answer (`_catalog`, `tags/list`).
public enum LinkHeader {
    /// The target of `rel="next"`, resolved against the URL that was requested.
    ///
    /// `Link: </v2/_catalog?last=b&n=100>; rel="next"` answered for
    /// `https://r.example/v2/_catalog` gives `https://r.example/v2/_catalog?last=b&n=100`.
    /// - Returns: nil when there is no next page.
    public static func next(_ values: [String], requestURL: String) -> String? {
        for value in values {
            for link in splitLinks(value) {
                guard let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close else { continue }
                let target = String(link[link.index(after: open)..<close])
                let params = link[link.index(after: close)...].split(separator: ";").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                let isNext = params.contains { param in
                    // RFC 8288 allows white space around "=" (`rel = "next"`).
                    let parts = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, parts[0].lowercased() == "rel" else { return false }
                    let rels = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
                    return rels.split(whereSeparator: \.isWhitespace).contains("next")
                }
                if isNext { return resolve(target, against: requestURL) }
            }
        }
        return nil
    }

    /// Splits on the commas between links, not those inside `<...>` or quotes.
    private static func splitLinks(_ value: String) -> [Substring] {
        var parts: [Substring] = []
        var depth = 0
        var quoted = false
        var start = value.startIndex
        for i in value.indices {
            switch value[i] {
            case "<" where !quoted: depth += 1
            case ">" where !quoted: depth -= 1
            case "\"": quoted.toggle()
            case "," where depth == 0 && !quoted:
                parts.append(value[start..<i])
                start = value.index(after: i)
            default: break
            }
        }
        parts.append(value[start...])
        return parts
    }

    /// Resolves an absolute path or a full URL against `base`.
    static func resolve(_ target: String, against base: String) -> String {
        if target.contains("://") { return target }
        guard let schemeEnd = base.range(of: "://") else { return target }
        let hostEnd = base[schemeEnd.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? base.endIndex
        let origin = base[..<hostEnd]
        if target.hasPrefix("/") { return origin + target }
        if target.hasPrefix("?") {
            let path = base[..<(base.firstIndex(of: "?") ?? base.endIndex)]
            return path + target
        }
        let dir = base[..<(base[..<(base.firstIndex(of: "?") ?? base.endIndex)].lastIndex(of: "/") ?? hostEnd)]
        return dir + "/" + target
    }
}
