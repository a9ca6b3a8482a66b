import Foundation

/// A body that is markup (an HTML error page from a proxy, a load balancer or a web server
/// standing where a registry should), read only as far as a one-line message needs.
struct HTMLText: Sendable {
    private let text: String

    /// Nil unless `body`, after leading white space, starts with `<`.
    init?(_ body: Data) {
        let text = String(decoding: body.prefix(65536), as: UTF8.self)
        guard text.drop(while: \.isWhitespace).first == "<" else { return nil }
        self.text = text
    }

    /// The page's `<title>`, with entities decoded and white space collapsed; nil when it has none or it is empty.
    var title: String? {
        guard let open = text.range(of: "<title", options: .caseInsensitive),
            let start = text[open.upperBound...].firstIndex(of: ">"),
            let close = text[start...].range(of: "</title", options: .caseInsensitive)
        else { return nil }
        let raw = text[text.index(after: start)..<close.lowerBound]
        let words = HTMLText.decodeEntities(String(raw)).split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        let title = words.joined(separator: " ")
        return title.isEmpty ? nil : String(title.prefix(200))
    }

    /// The five entities an error page's title uses, and numeric ones.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            guard let semi = rest.prefix(10).firstIndex(of: ";") else {
                out += "&"
                rest = rest.dropFirst()
                continue
            }
            let name = rest[rest.index(after: rest.startIndex)..<semi]
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]
            if let value = named[String(name)] {
                out += value
            } else if name.hasPrefix("#x") || name.hasPrefix("#X"), let code = UInt32(name.dropFirst(2), radix: 16),
                let scalar = Unicode.Scalar(code)
            {
                out.unicodeScalars.append(scalar)
            } else if name.hasPrefix("#"), let code = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(code) {
                out.unicodeScalars.append(scalar)
            } else {
                out += rest[...semi]
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
