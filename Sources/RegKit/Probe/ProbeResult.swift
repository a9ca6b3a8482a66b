/// What one probe cycle against one registry found.
public struct ProbeResult: Sendable {
    public var registry: RegistryAddress
    public var repo: String
    public var tag: String
    /// The probe image's manifest digest, known before the push.
    public var digest: Digest?
    public var started: Timestamp
    /// When the cycle ended.
    public var ended: Timestamp
    /// Seconds each phase took, for the phases that ran (a failed phase included).
    public var seconds: [ProbePhase: Double] = [:]
    /// The phase that failed and why; nil when the cycle succeeded.
    public var failure: (phase: ProbePhase, error: String)?
    /// What became of the probe image: ``Record/Status/deleted``, or ``Record/Status/kept`` with a reason.
    public var cleanup: (status: String, reason: String?)?
    public var bytesPushed: Int64 = 0
    public var bytesPulled: Int64 = 0
    /// The push began, so the tag may be there until deleted.
    var pushBegan = false

    public init(registry: RegistryAddress, repo: String, tag: String, started: Timestamp) {
        self.registry = registry
        self.repo = repo
        self.tag = tag
        self.started = started
        self.ended = started
    }

    public var ok: Bool { failure == nil }

    /// The cycle's record: registry (as written), repo, tag, digest, started, the seconds of
    /// each phase, bytes, `ok`, and for a failure `phase` and `error`; `status` (and `reason`)
    /// say whether the image was deleted.
    public var record: Record {
        var record = Record()
        record.registry = registry.written
        record.repo = repo
        record.tag = tag
        record.digest = digest?.description
        record[Record.Field.started] = .string(started.description)
        for (phase, value) in seconds {
            record[Record.Field.seconds(phase)] = .double((value * 1000).rounded() / 1000)
        }
        record[Record.Field.bytesPushed] = .int(bytesPushed)
        record[Record.Field.bytesPulled] = .int(bytesPulled)
        record[Record.Field.ok] = .bool(ok)
        if let failure {
            record[Record.Field.phase] = .string(failure.phase.rawValue)
            record.error = failure.error
        }
        if let cleanup {
            record.status = cleanup.status
            record.reason = cleanup.reason
        }
        return record
    }
}
