/// The spellings reg-probe's options take: pure functions, so the command only declares options.
public enum ProbeArguments {
    /// `60`, `60s`, `2m`, `1h`, `500ms` as seconds; nil when it is none of these or not above zero.
    public static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, factor: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("", 1)]
        let lower = text.lowercased()
        for unit in units where lower.hasSuffix(unit.suffix) {
            guard let value = Double(lower.dropLast(unit.suffix.count)), value > 0, value.isFinite else { continue }
            return value * unit.factor
        }
        return nil
    }

    /// `4096`, `256k`, `1m`, `1MiB`, `2g` as bytes (k, m, g are powers of 1024); nil otherwise.
    public static func bytes(_ text: String) -> Int? {
        var lower = Substring(text.lowercased())
        for suffix in ["ib", "b"] where lower.hasSuffix(suffix) {
            lower = lower.dropLast(suffix.count)
            break
        }
        let shift: Int
        switch lower.last {
        case "k": shift = 10
        case "m": shift = 20
        case "g": shift = 30
        default: shift = 0
        }
        guard let value = Int(shift == 0 ? lower : lower.dropLast()), value >= 0, value <= Int.max >> shift else {
            return nil
        }
        return value << shift
    }

    /// `HOST:PORT`, `:PORT` (every interface) or `[IPv6]:PORT` as a host and a port; nil otherwise.
    public static func listen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        guard !host.contains("/") && !host.contains(" ") && (host.contains(":") == text.hasPrefix("[")) else { return nil }
        return (host, port)
    }
}
