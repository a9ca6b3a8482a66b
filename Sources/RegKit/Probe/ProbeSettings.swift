/// How reg-probe probes: what `reg-probe`'s options say, checked.
public struct ProbeSettings: Sendable {
    /// The registries to probe, each on its own schedule.
    public var registries: [RegistryAddress]
    /// The repository the probe image is pushed to, on every registry.
    public var repo: String
    /// Seconds from the start of one cycle to the start of the next.
    public var interval: Double
    /// Bytes of random content in the probe image's layer.
    public var size: Int
    /// Skip the delete: the probe images stay.
    public var keep: Bool
    /// The image to build the probe image on.
    public var base: ImageReference?
    /// Seconds each phase may take (`--timeout`, also the client's stall limit).
    public var timeout: Int
    /// One cycle per registry, then stop.
    public var once: Bool

    public init(
        registries: [RegistryAddress], repo: String, interval: Double = 60, size: Int = 256 << 10, keep: Bool = false,
        base: ImageReference? = nil, timeout: Int = 30, once: Bool = false
    ) {
        self.registries = registries
        self.repo = repo
        self.interval = interval
        self.size = size
        self.keep = keep
        self.base = base
        self.timeout = timeout
        self.once = once
    }

    /// The longest a cycle can run: every phase at its limit (the push twice when it first
    /// reads `--base`).
    public var longestCycle: Double { Double(timeout * (ProbePhase.allCases.count + 1)) }
}
