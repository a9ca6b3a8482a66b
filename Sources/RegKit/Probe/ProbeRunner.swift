import Synchronization

/// reg-probe's loop: each registry on its own schedule, in a task of its own, so a slow or dead
/// registry never delays another's cycles. Each cycle's record goes to the output as it ends,
/// and to the board and the observers.
///
/// ``stop()`` starts no new cycle; a cycle in flight gets `--timeout` more seconds to finish
/// and is then abandoned (its transfers cancelled); the probe image it pushed is deleted where
/// the registry allows, and so are those of earlier cycles that failed before their delete.
public final class ProbeRunner: Sendable {
    public let settings: ProbeSettings
    public let board: ProbeBoard
    private let context: ToolContext
    private let observers: [any ProbeObserver]
    private let base: ProbeBase?
    private let stopping = Atomic<Bool>(false)
    private let failures = Atomic<Int>(0)
    /// Records of concurrent registries go out whole, one at a time.
    private let output = Mutex(())

    public init(settings: ProbeSettings, context: ToolContext, observers: [any ProbeObserver] = []) {
        self.settings = settings
        self.context = context
        self.observers = observers
        self.board = ProbeBoard(settings: settings)
        self.base = settings.base.map { ProbeBase(reference: $0, client: context.client) }
    }

    /// True when a cycle failed (an unreachable registry included).
    public var failed: Bool { failures.load(ordering: .relaxed) > 0 }

    /// True once ``stop()`` was called.
    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Runs every registry's loop until ``stop()``, or one cycle each with `once`.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for registry in settings.registries {
                group.addTask { await self.loop(registry) }
            }
        }
    }

    /// Ends the loops as the type's documentation says; returns at once.
    public func stop() { stopping.store(true, ordering: .relaxed) }

    private func loop(_ registry: RegistryAddress) async {
        let clock = ContinuousClock()
        var next = clock.now
        var leftovers: [Digest] = []
        while !isStopping {
            board.cycleStarted(registry)
            var result = await cycle(registry)
            if result.pushBegan, result.cleanup == nil, !settings.keep, let digest = result.digest {
                leftovers = Array((leftovers + [digest]).suffix(Self.leftoverLimit))
            }
            // Deleting works again, or the probe is leaving: the images failed cycles left go too.
            if !leftovers.isEmpty && (result.cleanup?.status == Record.Status.deleted || isStopping) {
                leftovers = await delete(leftovers, registry, &result)
            }
            report(result)
            if settings.once { return }
            next = max(next.advanced(by: .milliseconds(Int64(settings.interval * 1000))), clock.now)
            while !isStopping && clock.now < next {
                try? await Task.sleep(for: min(.milliseconds(100), next - clock.now))
            }
        }
    }

    /// How many probe images of failed cycles are remembered for deletion.
    static let leftoverLimit = 100

    /// Runs one cycle in a task that a stop abandons `--timeout` seconds after it is asked.
    private func cycle(_ registry: RegistryAddress) async -> ProbeResult {
        let diagnostics = context.diagnostics
        let cycle = ProbeCycle(
            registry: registry, settings: settings, client: context.client, base: base,
            note: { line in diagnostics.verbose(line) })
        let task = Task { await cycle.run() }
        let timeout = settings.timeout
        let watchdog = Task {
            while !isStopping {
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .seconds(timeout))
            task.cancel()
        }
        let result = await task.value
        watchdog.cancel()
        return result
    }

    /// Deletes the probe images of `digests`, all within one `--timeout`.
    /// - Returns: those that may still be there.
    private func delete(_ digests: [Digest], _ registry: RegistryAddress, _ result: inout ProbeResult) async -> [Digest] {
        let (client, repo, diagnostics) = (context.client, settings.repo, context.diagnostics)
        let deleted = Mutex<Set<Digest>>([])
        let refused = Atomic<Bool>(false)
        do {
            try await ProbeCycle.limited(.delete, seconds: settings.timeout) {
                for digest in digests {
                    do {
                        try await client.deleteManifest(registry, repo: repo, reference: digest.description)
                        deleted.withLock { _ = $0.insert(digest) }
                    } catch RegistryError.deletionDisabled {
                        refused.store(true, ordering: .relaxed)
                        return
                    } catch {
                        diagnostics.verbose("\(registry.name)/\(repo)@\(digest): not deleted yet: \(error)")
                    }
                }
            }
        } catch {
            diagnostics.verbose("\(registry.name)/\(repo): probe images of failed cycles not deleted yet: \(error)")
        }
        let gone = deleted.withLock { $0 }
        if let digest = result.digest, result.cleanup == nil {
            if gone.contains(digest) { result.cleanup = (Record.Status.deleted, nil) }
            if refused.load(ordering: .relaxed) { result.cleanup = (Record.Status.kept, ProbeCycle.deletionDisabled) }
        }
        // A registry that refuses deletes will refuse them all: nothing is worth remembering.
        return refused.load(ordering: .relaxed) ? [] : digests.filter { !gone.contains($0) }
    }

    private func report(_ result: ProbeResult) {
        board.cycleEnded(result)
        for observer in observers { observer.cycleEnded(result) }
        if let failure = result.failure {
            failures.add(1, ordering: .relaxed)
            context.diagnostics.error(
                "\(result.registry.name)/\(result.repo):\(result.tag): \(failure.phase): \(failure.error)", status: 1)
        }
        output.withLock { _ in context.emit([result.record]) }
    }
}
