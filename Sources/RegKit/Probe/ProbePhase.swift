/// The steps of a probe cycle, in the order they run. Each is timed and limited to `--timeout`.
public enum ProbePhase: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The generated image goes up through the copier, the tag last.
    case push
    /// The image comes back by its tag: the manifest and every blob, each checked against its digest.
    case pull
    /// The repository's tag list shows the probe tag.
    case list
    /// The probe image is deleted by digest, which takes its tag with it.
    case delete

    public var description: String { rawValue }
}
