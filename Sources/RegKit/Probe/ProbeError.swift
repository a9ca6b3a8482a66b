/// Why a probe cycle failed where the registry itself raised no error.
public enum ProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The phase gave no result within `--timeout`: the registry hangs or is too slow.
    case timedOut(ProbePhase, seconds: Int)
    /// Pulling the probe tag gave another image than the one pushed under it.
    case pulledOther(tag: String, expected: Digest, found: Digest)
    /// The tag list of the repository does not show the tag just pushed.
    case tagNotListed(repo: String, tag: String)
    /// The cycle was cut short because the probe is stopping (SIGTERM or SIGINT).
    case abandoned
    /// `--base` names an image that cannot be built on: an index with no image for a platform,
    /// or a config whose layers do not match the manifest's.
    case unusableBase(reference: String, reason: String)

    public var description: String {
        switch self {
        case .timedOut(let phase, let seconds):
            return "no result within \(seconds) s (--timeout): the registry hangs or is slower than that; \(phase) abandoned"
        case .pulledOther(let tag, let expected, let found):
            return "tag \(tag) gave \(found), not \(expected) as pushed: the registry serves another image under it"
        case .tagNotListed(let repo, let tag):
            return "the tag list of \(repo) does not show \(tag), which was just pushed and pulled"
        case .abandoned:
            return "abandoned: the probe is stopping"
        case .unusableBase(let reference, let reason):
            return "--base \(reference): \(reason)"
        }
    }
}
