import Foundation

/// One probe cycle against one registry: push a new image, pull it back, see its tag listed,
/// delete it. Each phase is timed and limited to `--timeout`; the first failure ends the cycle,
/// but an image that was pushed is still deleted.
struct ProbeCycle: Sendable {
    let registry: RegistryAddress
    let settings: ProbeSettings
    let client: RegistryClient
    let base: ProbeBase?
    /// Receives a line as each phase starts, for `--verbose`.
    let note: @Sendable (String) -> Void

    func run() async -> ProbeResult {
        let started = Timestamp.now.milliseconds
        let tag = ProbeImage.tag(at: started)
        var result = ProbeResult(registry: registry, repo: settings.repo, tag: tag, started: started)
        let store = RegistryStore(registry: registry, client: client)
        let repo = settings.repo
        do {
            let base = self.base
            var layers: ImageBuilder.BaseLayers?
            if let base { layers = try await timed(.push, &result) { try await base.layers() } }
            let image = ProbeImage.build(tag: tag, size: settings.size, base: layers, at: started)
            result.digest = image.digest
            result.pushBegan = true
            let source = ProbeSource(built: BuiltImageSource(image, tag: tag), base: base?.store)
            let lender = base.map { $0.reference.registry == registry } ?? false
            let pushed = try await timed(.push, &result) {
                try await ImageCopier(target: store).copy(
                    from: source, repo: base?.repo ?? repo, reference: tag, to: repo, tag: tag, mountFromSource: lender)
            }
            result.bytesPushed = pushed.bytes
            let pulled = try await timed(.pull, &result) {
                // A fresh copier each time: the copier moves each blob once per run.
                let outcome = try await ImageCopier(target: DiscardTarget()).copy(
                    from: store, repo: repo, reference: tag, to: repo, tag: nil)
                guard outcome.digest == image.digest else {
                    throw ProbeError.pulledOther(tag: tag, expected: image.digest, found: outcome.digest)
                }
                return outcome
            }
            result.bytesPulled = pulled.bytes
            let client = self.client
            try await timed(.list, &result) {
                var listed = false
                try await client.tags(registry, repo: repo) { tags in listed = listed || tags.contains(tag) }
                guard listed else { throw ProbeError.tagNotListed(repo: repo, tag: tag) }
            }
        } catch {
            // Noted in the result by `timed`.
        }
        if result.failure?.phase != .push && !Task.isCancelled, let digest = result.digest {
            await delete(digest, &result)
        }
        result.ended = Timestamp.now.milliseconds
        return result
    }

    /// The delete phase: by digest, which takes the tag with it. A registry that refuses deletes
    /// (405) is not a failure: the record says the image was kept, and why.
    private func delete(_ digest: Digest, _ result: inout ProbeResult) async {
        if settings.keep {
            result.cleanup = (Record.Status.kept, "--keep")
            return
        }
        let (client, registry, repo) = (self.client, self.registry, settings.repo)
        let refused = try? await timed(.delete, &result) { () async throws -> Bool in
            do {
                try await client.deleteManifest(registry, repo: repo, reference: digest.description)
                return false
            } catch RegistryError.deletionDisabled {
                return true
            }
        }
        switch refused {
        case false?: result.cleanup = (Record.Status.deleted, nil)
        case true?: result.cleanup = (Record.Status.kept, ProbeCycle.deletionDisabled)
        case nil: break
        }
    }

    static let deletionDisabled = "the registry refuses deletes (HTTP 405: storage.delete.enabled is false)"

    /// Runs one phase's work within `--timeout`, adds its time to the result, and notes its
    /// failure there (the first failure of the cycle is the one kept).
    private func timed<T: Sendable>(
        _ phase: ProbePhase, _ result: inout ProbeResult, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        note("\(registry.name)/\(settings.repo):\(result.tag): \(phase)")
        let start = ContinuousClock.now
        defer { result.seconds[phase, default: 0] += (ContinuousClock.now - start).seconds }
        do {
            return try await ProbeCycle.limited(phase, seconds: settings.timeout, work)
        } catch {
            let message = Task.isCancelled ? ProbeError.abandoned.description : "\(error)"
            if result.failure == nil { result.failure = (phase, message) }
            throw error
        }
    }

    /// `work`, or ``ProbeError/timedOut(_:seconds:)`` when it gives no result in `seconds`: it is
    /// cancelled then, which stops its transfers.
    static func limited<T: Sendable>(
        _ phase: ProbePhase, seconds: Int, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let value = try await withinTimeLimit(seconds: Double(seconds), work) else {
            throw ProbeError.timedOut(phase, seconds: seconds)
        }
        return value
    }
}

extension Duration {
    /// The duration in seconds, as a fraction.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}

extension Timestamp {
    /// The time cut to whole milliseconds, as records show it.
    var milliseconds: Timestamp { Timestamp(seconds: seconds, nanoseconds: nanoseconds / 1_000_000 * 1_000_000) }
}
