/// One of N disjoint parts of the input, for running reg-select on several machines:
/// `--shard 1/3`, `--shard 2/3` and `--shard 3/3` together pass every record exactly once.
///
/// A record's shard is the 64-bit FNV-1a hash of `registry/repo` (UTF-8) modulo N, so all
/// the tags of a repository land in the same shard, and the split is the same on every
/// machine and every run. Shards are numbered from 1, as in `1/3`.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// This shard, 1...count.
    public let index: Int
    /// How many shards there are.
    public let count: Int

    /// - Precondition: `1 <= index <= count`.
    public init(index: Int, count: Int) {
        precondition(count >= 1 && (1...count).contains(index))
        self.index = index
        self.count = count
    }

    /// Reads `I/N`.
    /// - Throws: ``SelectionError/invalidShard(_:reason:)`` unless `1 <= I <= N`.
    public init(parsing text: String) throws(SelectionError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw .invalidShard(text, reason: "not of the form I/N")
        }
        guard n >= 1 else { throw .invalidShard(text, reason: "there must be at least one shard") }
        guard i >= 1 else { throw .invalidShard(text, reason: "shard \(i) does not exist") }
        guard i <= n else { throw .invalidShard(text, reason: "there is no shard \(i) of \(n)") }
        self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether the repository `registry/repo` falls in this shard. A missing field counts as empty.
    public func contains(registry: String?, repo: String?) -> Bool {
        Shard.number(registry: registry, repo: repo, count: count) == index
    }

    /// The shard, 1...count, of the repository `registry/repo`.
    public static func number(registry: String?, repo: String?, count: Int) -> Int {
        var hash = fnv1aOffset
        hash = fnv1a(registry ?? "", hash)
        hash = fnv1a("/", hash)
        hash = fnv1a(repo ?? "", hash)
        return Int(hash % UInt64(count)) + 1
    }

    private static let fnv1aOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let fnv1aPrime: UInt64 = 0x0000_0100_0000_01b3

    /// Continues a 64-bit FNV-1a hash over the UTF-8 of `text`.
    static func fnv1a(_ text: String, _ start: UInt64) -> UInt64 {
        var hash = start
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* fnv1aPrime
        }
        return hash
    }
}
