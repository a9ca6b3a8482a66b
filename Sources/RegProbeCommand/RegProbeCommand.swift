public import ArgumentParser
import Foundation
import Logging
public import RegCommands
import RegKit
import ServiceLifecycle
import UnixSignals

/// `reg-probe REGISTRY...`: push, pull, verify and delete a small generated image on a schedule,
/// and tell Prometheus, a load balancer or cron how it went.
public struct RegProbeCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-probe",
        abstract: "Watch registries by pushing, pulling, listing and deleting a small generated image.",
        discussion: """
            Each cycle builds a new image (a gzip layer of --size random bytes, a config, a \
            manifest; on top of --base's layers when given), pushes it to --repo under a unique \
            tag, pulls it back (the manifest and every blob, each checked against its digest), \
            looks for the tag in the repository's tag list and deletes the image (unless --keep; \
            a registry with deletion disabled is said in the record, not a failure). Each phase \
            is timed and limited to --timeout. Every registry runs on its own schedule: a slow or \
            dead one never delays another.

            One record per cycle on standard output: registry, repo, tag, digest, started, \
            pushSeconds, pullSeconds, listSeconds, deleteSeconds, bytesPushed, bytesPulled, ok, \
            and for a failure phase and error; status (deleted or kept) and reason.

            With --listen, serves /status (200 when every registry's last cycle succeeded and \
            ended less than two intervals ago, else 503 with the registry, phase, error and \
            since when; ?registry=NAME for one), /health (200 while the loop keeps cycling) and \
            /metrics (Prometheus). SIGTERM or SIGINT: no new cycle; the one in flight is \
            finished or abandoned within --timeout, its image deleted, the listener closed, \
            exit 0.

            --once: one cycle per registry, then exit 0 when all succeeded, 1 when one failed \
            (an unreachable registry included), 2 on bad usage.

            Examples:
              reg-probe registry.example --repo monitor/probe --listen :8000
              reg-probe registry.example --once --repo monitor/probe || alert
              reg-probe a.example b.example --interval 30s --listen 127.0.0.1:8000 \\
                --metrics-compat registry-monitor
            """,
        version: RegVersion.current)

    @Argument(help: ArgumentHelp("The registries to probe: host[:port], or http://host[:port].", valueName: "registry"))
    var registries: [String] = []

    @Option(help: ArgumentHelp("Repository the probe image is pushed to, on every registry.", valueName: "repo"))
    var repo = "monitor/probe"

    @Option(help: ArgumentHelp("Time from one cycle's start to the next: 60, 60s, 2m, 500ms.", valueName: "duration"))
    var interval = "60s"

    @Option(help: ArgumentHelp("Random bytes in the probe image's layer: 4096, 256k, 1m (at most 256m).", valueName: "bytes"))
    var size = "256k"

    @Flag(help: "Keep the probe images: skip the delete.")
    var keep = false

    @Option(
        help: ArgumentHelp(
            "Build the probe image on this image's layers (REGISTRY/REPO:TAG): cycles also mount and move them.",
            valueName: "ref"))
    var base: String?

    @Option(
        help: ArgumentHelp(
            "Serve /status, /health and /metrics here: HOST:PORT, :PORT (every interface), [::1]:PORT.",
            valueName: "address"))
    var listen: String?

    @Option(
        help: ArgumentHelp(
            "Also expose another tool's metric names: registry-monitor (monitor_success, monitor_failure, monitor_pull, monitor_push).",
            valueName: "set"))
    var metricsCompat: String?

    @Flag(help: "One cycle per registry, then exit: 0 all succeeded, 1 one failed.")
    var once = false

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws { _ = try settings() }

    /// The options, checked, as RegKit takes them.
    private func settings() throws -> ProbeSettings {
        guard !registries.isEmpty else { throw ValidationError("Name at least one registry to probe.") }
        let addresses = try registries.map { text in
            do { return try RegistryAddress(text) } catch { throw ValidationError("\(error)") }
        }
        guard Set(addresses).count == addresses.count else { throw ValidationError("A registry is named twice.") }
        guard ImageReference.isValidRepository(repo) else {
            throw ValidationError("--repo \(repo): not a repository name (lower case, digits, . _ - and /).")
        }
        guard let seconds = ProbeArguments.seconds(interval) else {
            throw ValidationError("--interval \(interval): not a duration above zero such as 60s, 2m or 500ms.")
        }
        guard let bytes = ProbeArguments.bytes(size), bytes <= 256 << 20 else {
            throw ValidationError("--size \(size): not a number of bytes up to 256m, such as 4096, 256k or 1m.")
        }
        if let listen, ProbeArguments.listen(listen) == nil {
            throw ValidationError("--listen \(listen): not HOST:PORT, :PORT or [IPv6]:PORT.")
        }
        if once && listen != nil {
            throw ValidationError("--once runs one cycle and exits; --listen serves while the probe runs: choose one.")
        }
        if let metricsCompat, ProbeMetrics.Compat(rawValue: metricsCompat) == nil {
            throw ValidationError(
                "--metrics-compat \(metricsCompat): the sets are \(ProbeMetrics.Compat.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        var baseReference: ImageReference?
        if let base {
            baseReference = try parseReferences([base])[0]
            if baseReference?.repo == nil { throw ValidationError("--base \(base): name an image, REGISTRY/REPO:TAG.") }
        }
        return ProbeSettings(
            registries: addresses, repo: repo, interval: seconds, size: bytes, keep: keep, base: baseReference,
            timeout: flags.timeout, once: once)
    }

    public func run() async throws {
        let settings = try settings()
        let context = try flags.context(tool: "reg-probe")
        let metrics = ProbeMetrics(registries: settings.registries, compat: metricsCompat.flatMap(ProbeMetrics.Compat.init))
        let runner = ProbeRunner(settings: settings, context: context, observers: [metrics])
        // The libraries' own logs would mix with the records on standard output: reg-probe says
        // what it has to say through its diagnostics.
        let logger = Logger(label: "reg-probe") { SwiftLogNoOpLogHandler($0) }
        var services: [any Service] = []
        if let listen, let (host, port) = ProbeArguments.listen(listen) {
            let diagnostics = context.diagnostics
            services.append(
                ProbeServer.application(
                    host: host, port: port, board: runner.board, metrics: metrics, logger: logger,
                    listening: { address in diagnostics.emit("listening on http://\(address)") }))
        }
        // Shut down in reverse order: the probe first, then the listener, which answers until then.
        // The probe returns after its one cycle (--once) or once stopped: either ends the run.
        let probe = ServiceGroupConfiguration.ServiceConfiguration(
            service: ProbeService(runner: runner), successTerminationBehavior: .gracefullyShutdownGroup)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [probe],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            context.output.flush()
            context.diagnostics.error("--listen \(listen ?? ""): \(error)", status: 2)
            throw ExitCode(2)
        }
        context.output.flush()
        if runner.isStopping { return }  // stopped by a signal, cleanly
        if runner.failed { throw ExitCode(1) }
    }
}
