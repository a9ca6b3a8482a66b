import Foundation

/// `reg-manifest`: resolves each record's tag or digest to its manifest.
///
/// By default one HEAD per record fills `digest`, `mediaType` and `size`.
/// With `config`, the manifest and image config are read too, for `created` and
/// (for an index) `platforms`; with `expand`, an index becomes one record per
/// platform, each with `platform`, its own `digest`, and `index` (the index's digest).
/// With `raw`, the manifests themselves are written instead of records.
public struct ResolveManifests: RecordOperation {
    public struct Options: Sendable {
        public var config = false
        public var expand = false
        public var raw = false
        public init(config: Bool = false, expand: Bool = false, raw: Bool = false) {
            self.config = config
            self.expand = expand
            self.raw = raw
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    /// The manifest a record names, by HEAD (`body` false) or GET, checked.
    ///
    /// A record names its tag, or else its digest. One that names both (`REG/REPO:TAG@DIGEST`, or
    /// a record that was resolved before) names the digest, as docker and skopeo read it, and the
    /// tag must still point at it: the request by tag answers that. A platform record (with `index`,
    /// from `--expand`) names its platform's manifest, and its tag must point at its index.
    /// - Throws: ``RegistryError/tagMoved(reference:points:expected:)`` when the tag points elsewhere.
    static func fetch(_ record: Record, context: ToolContext, body: Bool) async throws -> (head: ManifestHead, body: Data?) {
        let registry = try record.registryAddress()
        let store = context.store(registry)
        let repo = try record.repository()
        let tag = try record.stringField(Record.Field.tag)
        let digest = try record.stringField(Record.Field.digest)
        guard var reference = tag ?? digest else {
            throw RecordFieldError.missing("tag or digest", in: record, hint: "pipe through reg-tags first")
        }
        var pinned: Digest?
        if let tag, let digest {
            guard let parsed = Digest(digest) else { throw RecordFieldError.invalidDigest(digest, in: record) }
            pinned = parsed
            if let index = try record.stringField(Record.Field.index).flatMap(Digest.init) {
                let head = try await store.head(repo, reference: tag)
                guard head.digest == index else {
                    throw RegistryError.tagMoved(
                        reference: ImageReference.display(registry, repo, tag), points: head.digest.description,
                        expected: index.description)
                }
                reference = parsed.description
            }
        }
        let found: (head: ManifestHead, body: Data?)
        if body {
            let node = try await store.manifest(repo, reference: reference)
            found = (node.head, node.bytes)
        } else {
            found = (try await store.head(repo, reference: reference), nil)
        }
        if let pinned, found.head.digest != pinned {
            throw RegistryError.tagMoved(
                reference: ImageReference.display(registry, repo, reference), points: found.head.digest.description,
                expected: pinned.description)
        }
        return found
    }

    /// The records for one input record.
    public func resolve(_ record: Record, _ context: ToolContext) async -> [Record] {
        guard record.error == nil else { return [record] }
        do {
            var resolved = record
            guard options.config || options.expand else {
                resolved.describe(try await Self.fetch(record, context: context, body: false).head)
                return [resolved]
            }
            let registry = try record.registryAddress()
            let repo = try record.repository()
            let fetched = try await Self.fetch(record, context: context, body: true)
            let bytes = fetched.body ?? Data()
            let root = ImageNode(
                head: fetched.head, bytes: bytes, manifest: try Manifest.parse(bytes, reference: record.displayName))
            let source = context.store(registry)
            let graph = try await ImageWalk(source: source).graph(
                repo, from: root, reach: options.config ? .everything : .indexes)
            resolved.describe(root.head)
            guard !MediaType.isSchema1(root.head.mediaType) else { return [resolved] }
            guard root.isIndex else {
                resolved.created = try await created(of: root, repo, source)
                return [resolved]
            }
            let nodes = Dictionary(graph.descendants.map { ($0.digest, $0) }, uniquingKeysWith: { a, _ in a })
            let entries = root.manifest.platformEntries
            resolved.platforms = entries.compactMap { $0.platform?.description }
            var children: [Record] = []
            var newest: String?
            for entry in entries {
                var child = resolved
                child.platforms = nil
                child.digest = entry.digest.description
                child.mediaType = entry.mediaType
                child.size = entry.size
                child.platform = entry.platform?.description
                child.index = root.digest.description
                if options.config, let node = nodes[entry.digest] {
                    let created = try await created(of: node, repo, source)
                    child.created = created
                    if let created, newest.map({ Self.isLater(created, than: $0) }) ?? true { newest = created }
                }
                children.append(child)
            }
            resolved.created = newest
            return options.expand ? children : [resolved]
        } catch {
            return [context.failed(record, error)]
        }
    }

    /// `created` from the config of an image manifest; nil for anything else, or without `--config`.
    private func created(of node: ImageNode, _ repo: String, _ source: any ImageSource) async throws -> String? {
        guard options.config, !node.isIndex, let config = node.manifest.config else { return nil }
        let data = try await source.blobData(repo, digest: config.digest, size: config.size)
        return (try? JSONDecoder().decode(ImageConfig.self, from: data))?.created
    }

    /// Compares RFC 3339 times; falls back to text order when one does not parse.
    static func isLater(_ a: String, than b: String) -> Bool {
        guard let x = Timestamp(rfc3339: a), let y = Timestamp(rfc3339: b) else { return a > b }
        return x > y
    }

    /// Writes each input record resolved, in input order; with `raw`, each manifest.
    public func run(_ context: ToolContext) async {
        guard !options.raw else { return await runRaw(context) }
        var count = 0
        await OrderedStream.run(context.input.records(), window: context.window) { record in
            await self.resolve(record, context)
        } emit: { records in
            count += 1
            context.emit(records)
            context.diagnostics.progress("\(count) manifests")
        }
        context.diagnostics.verbose("\(count) manifests resolved")
    }
}

extension Record {
    /// Fills `digest`, `mediaType` and `size` from a manifest's descriptor.
    mutating func describe(_ head: ManifestHead) {
        digest = head.digest.description
        mediaType = head.mediaType
        size = head.size
    }
}

extension ResolveManifests {
    /// `reg-manifest --raw`: writes each manifest's bytes as the registry serves
    /// them (checked against their digest), one after the other, each ending in a newline.
    func runRaw(_ context: ToolContext) async {
        for await record in context.input.records() {
            if let error = record.error {
                // Not a manifest to fetch, and raw output has no room for the record: say so, and
                // let the exit status keep the failure upstream.
                context.diagnostics.error("\(record.displayName): not fetched: the record carries an error (\(error))")
                continue
            }
            do {
                let body = try await Self.fetch(record, context: context, body: true).body ?? Data()
                context.output.write(bytes: body)
                if body.last != UInt8(ascii: "\n") { context.output.write(bytes: [UInt8(ascii: "\n")]) }
                context.output.flush()
            } catch {
                _ = context.failed(record, error)
            }
        }
    }
}
