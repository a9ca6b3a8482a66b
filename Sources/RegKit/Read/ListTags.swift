/// `reg-tags`: one record per tag of each repository, every page.
///
/// The output record is the input record plus `tag`, so fields added upstream
/// pass through. Records that already name a tag or digest, and records with
/// `error`, pass through unchanged. Tags come sorted within each page: the
/// reference registry returns them in no particular order.
public struct ListTags: RecordOperation {
    public init() {}

    /// The tag records of one repository record.
    public func tags(of record: Record, _ context: ToolContext) async -> [Record] {
        guard record.error == nil, record.tag == nil, record.digest == nil else { return [record] }
        do {
            let registry = try record.registryAddress()
            let repo = try record.repository()
            var out: [Record] = []
            try await context.store(registry).tags(repo) { tags in
                for tag in tags.sorted() {
                    var tagged = record
                    tagged.tag = tag
                    out.append(tagged)
                }
            }
            return out
        } catch {
            return [context.failed(record, error)]
        }
    }

    /// Writes the tag records of each input record, in input order.
    public func run(_ context: ToolContext) async {
        var repoCount = 0
        var tagCount = 0
        await OrderedStream.run(context.input.records(), window: context.window) { record in
            await self.tags(of: record, context)
        } emit: { records in
            repoCount += 1
            tagCount += records.count
            context.emit(records)
            context.diagnostics.progress("\(repoCount) repositories, \(tagCount) tags")
        }
        context.diagnostics.verbose("\(tagCount) tags in \(repoCount) repositories")
    }
}
