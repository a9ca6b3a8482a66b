/// Told of every cycle's end: the metrics of reg-probe's command module listen so.
public protocol ProbeObserver: Sendable {
    func cycleEnded(_ result: ProbeResult)
}
