import Foundation
import Synchronization

@testable import RegKit

/// An image target in memory: repositories of blobs and manifests, and a log of every write,
/// so tests can check what the copier wrote, and in which order.
final class MemoryTarget: ImageTarget {
    let name = "memory-target"

    private struct State {
        var blobs: [String: Set<Digest>] = [:]
        var manifests: [String: [String: Digest]] = [:]
        var log: [String] = []
        var referrers: [Digest: [Digest]] = [:]
    }

    private let state = Mutex(State())

    /// Every write, in order: `blob REPO DIGEST`, `mount REPO DIGEST`, `manifest REPO REFERENCE`,
    /// `referrers REPO SUBJECT COUNT`.
    var log: [String] { state.withLock { $0.log } }

    /// What ``indexReferrers(_:subject:referrers:)`` listed, per subject.
    var referrers: [Digest: [Digest]] { state.withLock { $0.referrers } }

    func indexReferrers(_ repo: String, subject: Digest, referrers: [Descriptor]) async throws {
        try state.withLock { state in
            for referrer in referrers where state.manifests[repo]?[referrer.digest.description] == nil {
                throw RegistryError.invalidManifest(reference: "\(subject)", reason: "referrer \(referrer.digest) not there yet")
            }
            state.referrers[subject, default: []] += referrers.map(\.digest)
            state.log.append("referrers \(repo) \(subject.hex.prefix(6)) \(referrers.count)")
        }
    }

    func manifestDigest(_ repo: String, reference: String) async throws -> Digest? {
        state.withLock { $0.manifests[repo]?[reference] }
    }

    func hasBlob(_ repo: String, digest: Digest) async throws -> Bool {
        state.withLock { $0.blobs[repo]?.contains(digest) ?? false }
    }

    func writeBlob(
        _ repo: String, descriptor: Descriptor, mountFrom: String?, body: @Sendable () async throws -> any BodySource
    ) async throws -> BlobWrite {
        let mounted = state.withLock { state -> Bool in
            guard let from = mountFrom, state.blobs[from]?.contains(descriptor.digest) == true else { return false }
            state.blobs[repo, default: []].insert(descriptor.digest)
            state.log.append("mount \(repo) \(descriptor.digest.hex.prefix(6))")
            return true
        }
        if mounted { return .mounted }
        let source = try await body()
        let memory = MemorySink()
        try await source.opened()
        guard await source.pump(into: memory, piece: 7) else {  // small reads: the body is read in pieces
            throw source.failure ?? RegistryError.unexpected(what: "memory upload", status: 0, message: "body failed")
        }
        let bytes = memory.data
        guard Digest(of: bytes) == descriptor.digest else {
            throw RegistryError.digestMismatch(
                what: "memory upload", expected: descriptor.digest.description, actual: Digest(of: bytes).description)
        }
        state.withLock {
            $0.blobs[repo, default: []].insert(descriptor.digest)
            $0.log.append("blob \(repo) \(descriptor.digest.hex.prefix(6))")
        }
        return .written(Int64(bytes.count))
    }

    func putManifest(_ repo: String, reference: String, bytes: Data, mediaType: String) async throws {
        let manifest = try Manifest.parse(bytes, reference: reference)
        try state.withLock { state in
            // A target must never get a manifest before what it names: the copier's order.
            let blobs = (manifest.config.map { [$0] } ?? []) + (manifest.layers ?? [])
            for blob in blobs where state.blobs[repo]?.contains(blob.digest) != true {
                throw RegistryError.invalidManifest(reference: reference, reason: "blob \(blob.digest) not there yet")
            }
            for child in manifest.manifests ?? [] where state.manifests[repo]?[child.digest.description] == nil {
                throw RegistryError.invalidManifest(reference: reference, reason: "child \(child.digest) not there yet")
            }
            state.manifests[repo, default: [:]][reference] = Digest(of: bytes)
            state.manifests[repo, default: [:]][Digest(of: bytes).description] = Digest(of: bytes)
            state.log.append(
                "manifest \(repo) \(reference.hasPrefix("sha256:") ? "@" + reference.dropFirst(7).prefix(6) : reference)")
        }
    }
}
