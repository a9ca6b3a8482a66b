import Prometheus
import RegKit

/// reg-probe's metrics, in Prometheus' text exposition through swift-prometheus: every series
/// labelled by registry (as written), named by Prometheus' conventions; with `registry-monitor`
/// compatibility, the seed's four names as well (man/reg-probe.1 maps them).
final class ProbeMetrics: ProbeObserver {
    /// The metric names: the one place they are spelled (man/reg-probe.1 and
    /// pipelines/monitor/ use them; a test checks the alert rules against the exposition).
    enum Name {
        static let cycles = "reg_probe_cycles_total"
        static let phaseFailures = "reg_probe_phase_failures_total"
        static let phaseSeconds = "reg_probe_phase_duration_seconds"
        static let lastSuccess = "reg_probe_last_success_timestamp_seconds"
        static let healthy = "reg_probe_healthy"
        static let pushedBytes = "reg_probe_pushed_bytes_total"
        static let pulledBytes = "reg_probe_pulled_bytes_total"
        static let compatSuccess = "monitor_success"
        static let compatFailure = "monitor_failure"
        static let compatPull = "monitor_pull"
        static let compatPush = "monitor_push"
    }

    /// The compatibility sets `--metrics-compat` takes.
    enum Compat: String, CaseIterable {
        /// quay's registry-monitor: `monitor_success`, `monitor_failure` counters, `monitor_pull`,
        /// `monitor_push` seconds (summaries there, histograms here: the same `_sum` and `_count`).
        case registryMonitor = "registry-monitor"
    }

    /// Bucket bounds of every seconds histogram: from a local registry's milliseconds to a
    /// hung phase's `--timeout`.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

    let collectors = PrometheusCollectorRegistry()
    private let compat: Compat?

    /// Creates every series of every registry at zero, so rates and alerts see them before a cycle ends.
    init(registries: [RegistryAddress], compat: Compat?) {
        self.compat = compat
        for registry in registries {
            let label = registry.written
            for result in ["success", "failure"] { _ = cycles(label, result) }
            for phase in ProbePhase.allCases {
                _ = phaseFailures(label, phase)
                _ = phaseSeconds(label, phase)
            }
            _ = lastSuccess(label)
            _ = healthy(label)
            _ = bytes(Name.pushedBytes, label)
            _ = bytes(Name.pulledBytes, label)
            if compat == .registryMonitor {
                _ = compatCounter(Name.compatSuccess, label)
                _ = compatCounter(Name.compatFailure, label)
                _ = compatSeconds(Name.compatPull, label)
                _ = compatSeconds(Name.compatPush, label)
            }
        }
    }

    func cycleEnded(_ result: ProbeResult) {
        let label = result.registry.written
        cycles(label, result.ok ? "success" : "failure").increment()
        if let failure = result.failure { phaseFailures(label, failure.phase).increment() }
        for (phase, seconds) in result.seconds { phaseSeconds(label, phase).record(seconds) }
        if result.ok { lastSuccess(label).set(to: Double(result.ended.seconds)) }
        healthy(label).set(to: result.ok ? 1 : 0)
        bytes(Name.pushedBytes, label).increment(by: result.bytesPushed)
        bytes(Name.pulledBytes, label).increment(by: result.bytesPulled)
        guard compat == .registryMonitor else { return }
        compatCounter(result.ok ? Name.compatSuccess : Name.compatFailure, label).increment()
        // The seed observed a phase's time only when the phase succeeded.
        if let seconds = result.seconds[.pull], result.failure?.phase != .pull {
            compatSeconds(Name.compatPull, label).record(seconds)
        }
        if let seconds = result.seconds[.push], result.failure?.phase != .push {
            compatSeconds(Name.compatPush, label).record(seconds)
        }
    }

    /// The exposition, as `/metrics` answers it.
    func exposition() -> String { collectors.emitToString() }

    // MARK: - The series (created on first use, the same one after)

    private func cycles(_ registry: String, _ result: String) -> Counter {
        collectors.makeCounter(
            descriptor: Self.descriptor(Name.cycles, "Probe cycles ended, by result (success: every phase passed)."),
            labels: [("registry", registry), ("result", result)])
    }

    private func phaseFailures(_ registry: String, _ phase: ProbePhase) -> Counter {
        collectors.makeCounter(
            descriptor: Self.descriptor(Name.phaseFailures, "Probe cycles that failed, by the phase that failed."),
            labels: [("registry", registry), ("phase", phase.rawValue)])
    }

    private func phaseSeconds(_ registry: String, _ phase: ProbePhase) -> ValueHistogram {
        collectors.makeValueHistogram(
            descriptor: Self.descriptor(
                Name.phaseSeconds, "Seconds each phase of a probe cycle took (push, pull, list, delete)."),
            labels: [("registry", registry), ("phase", phase.rawValue)], buckets: Self.buckets)
    }

    private func lastSuccess(_ registry: String) -> Gauge {
        collectors.makeGauge(
            descriptor: Self.descriptor(Name.lastSuccess, "Unix time the last successful probe cycle ended."),
            labels: [("registry", registry)])
    }

    private func healthy(_ registry: String) -> Gauge {
        collectors.makeGauge(
            descriptor: Self.descriptor(Name.healthy, "1 when the last probe cycle succeeded, else 0."),
            labels: [("registry", registry)])
    }

    private func bytes(_ name: String, _ registry: String) -> Counter {
        let help =
            name == Name.pushedBytes ? "Blob bytes the probe pushed." : "Blob bytes the probe pulled and verified."
        return collectors.makeCounter(descriptor: Self.descriptor(name, help), labels: [("registry", registry)])
    }

    private func compatCounter(_ name: String, _ registry: String) -> Counter {
        let help =
            name == Name.compatSuccess
            ? "registry-monitor's name: probe cycles that succeeded (reg_probe_cycles_total{result=\"success\"})."
            : "registry-monitor's name: probe cycles that failed (reg_probe_cycles_total{result=\"failure\"})."
        return collectors.makeCounter(descriptor: Self.descriptor(name, help), labels: [("registry", registry)])
    }

    private func compatSeconds(_ name: String, _ registry: String) -> ValueHistogram {
        let phase = name == Name.compatPull ? "pull" : "push"
        return collectors.makeValueHistogram(
            descriptor: Self.descriptor(
                name, "registry-monitor's name: seconds of the \(phase) phase (reg_probe_phase_duration_seconds)."),
            labels: [("registry", registry)], buckets: Self.buckets)
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
