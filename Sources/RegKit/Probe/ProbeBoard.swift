import Synchronization

/// What reg-probe knows of each registry's cycles: the answers of `/status` and `/health`.
///
/// The answers are pure functions of this state and the time asked, so they are tested
/// without a clock or a server.
public final class ProbeBoard: Sendable {
    struct Entry: Sendable {
        var last: ProbeResult?
        /// The start of the first cycle of the current run of failures.
        var failingSince: Timestamp?
        var lastSuccess: Timestamp?
        /// The last time the registry's loop started or ended a cycle.
        var progress: Timestamp
    }

    public let settings: ProbeSettings
    private let entries: Mutex<[RegistryAddress: Entry]>
    private let began: Timestamp

    public init(settings: ProbeSettings, at time: Timestamp = .now) {
        self.settings = settings
        self.began = time
        self.entries = Mutex(Dictionary(uniqueKeysWithValues: settings.registries.map { ($0, Entry(progress: time)) }))
    }

    /// A cycle starts: the loop is alive.
    public func cycleStarted(_ registry: RegistryAddress, at time: Timestamp = .now) {
        entries.withLock { $0[registry]?.progress = time }
    }

    /// A cycle ended with `result`.
    public func cycleEnded(_ result: ProbeResult) {
        entries.withLock { entries in
            guard var entry = entries[result.registry] else { return }
            entry.last = result
            entry.progress = result.ended
            if result.ok {
                entry.failingSince = nil
                entry.lastSuccess = result.ended
            } else if entry.failingSince == nil {
                entry.failingSince = result.started
            }
            entries[result.registry] = entry
        }
    }

    /// One answer of an endpoint: its verdict and a one-line JSON body.
    public struct Report: Sendable, Equatable {
        public var ok: Bool
        public var body: String
    }

    /// `/status`: ok when every registry's last cycle succeeded and ended less than two
    /// intervals ago. The body names each registry, and for one that is not ok the phase that
    /// failed, the error and since when.
    /// - Parameter registry: one registry, as written or as its normalised name; nil for all.
    /// - Returns: nil when `registry` is not one that is probed.
    public func status(registry: String? = nil, at now: Timestamp = .now) -> Report? {
        let all = entries.withLock { $0 }
        var chosen = settings.registries
        if let registry {
            chosen = chosen.filter { $0.written == registry || $0.name == registry }
            if chosen.isEmpty { return nil }
        }
        var ok = true
        let items = chosen.map { registry -> JSONValue in
            let (fine, fields) = verdict(registry, all[registry] ?? Entry(progress: began), at: now)
            ok = ok && fine
            return .object(fields)
        }
        return Report(ok: ok, body: Record([Record.Field.ok: .bool(ok), "registries": .array(items)]).encoded())
    }

    private func verdict(_ registry: RegistryAddress, _ entry: Entry, at now: Timestamp) -> (Bool, [String: JSONValue]) {
        var fields: [String: JSONValue] = [Record.Field.registry: .string(registry.written)]
        if let success = entry.lastSuccess { fields["lastSuccess"] = .string(success.description) }
        let fine: Bool
        if let last = entry.last {
            fields["lastCycle"] = .string(last.ended.description)
            let limit = 2 * settings.interval
            let age = now.interval(since: last.ended)
            if let failure = last.failure {
                fine = false
                fields[Record.Field.phase] = .string(failure.phase.rawValue)
                fields[Record.Field.error] = .string(failure.error)
                fields["since"] = .string((entry.failingSince ?? last.started).description)
            } else if age > limit {
                fine = false
                fields[Record.Field.error] = .string(
                    "the last cycle ended \(Int(age)) s ago, more than two intervals (\(Int(limit)) s): the probe is behind its schedule"
                )
                fields["since"] = .string(last.ended.adding(seconds: limit).description)
            } else {
                fine = true
            }
        } else {
            fine = false
            fields[Record.Field.error] = .string("no cycle has ended yet")
            fields["since"] = .string(began.description)
        }
        fields[Record.Field.ok] = .bool(fine)
        return (fine, fields)
    }

    /// `/health`: ok while every registry's loop keeps starting and ending cycles: none has gone
    /// an interval plus the longest a cycle can take (every phase at `--timeout`) plus 5 s
    /// without doing either. It says nothing of the registries: `/status` does.
    public func health(at now: Timestamp = .now) -> Report {
        let all = entries.withLock { $0 }
        let limit = settings.interval + settings.longestCycle + 5
        let stuck = settings.registries.filter { now.interval(since: all[$0]?.progress ?? began) > limit }
        var fields: [String: JSONValue] = [Record.Field.ok: .bool(stuck.isEmpty)]
        if !stuck.isEmpty {
            fields["stuck"] = .array(stuck.map { .string($0.written) })
            fields[Record.Field.error] = .string(
                "no cycle started or ended for \(Int(limit)) s (interval + every phase at --timeout + 5 s)")
        }
        return Report(ok: stuck.isEmpty, body: Record(fields).encoded())
    }
}

extension Timestamp {
    /// Seconds from `earlier` to this time.
    func interval(since earlier: Timestamp) -> Double {
        Double(seconds - earlier.seconds) + Double(nanoseconds - earlier.nanoseconds) / 1e9
    }

    /// `delta` seconds later, to the millisecond.
    func adding(seconds delta: Double) -> Timestamp {
        let total = Double(seconds) + Double(nanoseconds) / 1e9 + delta
        let whole = total.rounded(.down)
        return Timestamp(seconds: Int64(whole), nanoseconds: Int32((total - whole) * 1000) * 1_000_000)
    }
}
