/// What a tool's run works with: its input and output, the registry client and diagnostics.
public struct ToolContext: Sendable {
    public let input: ToolInput
    public let output: OutputWriter
    public let client: RegistryClient
    public let diagnostics: Diagnostics

    public init(
        client: RegistryClient, diagnostics: Diagnostics, input: ToolInput = .records([]),
        output: OutputWriter = .standardOutput
    ) {
        self.input = input
        self.output = output
        self.client = client
        self.diagnostics = diagnostics
    }

    /// The context of a tool that makes no requests (reg-select): its client reads no
    /// credentials and is never asked for anything.
    public static func offline(
        diagnostics: Diagnostics, input: ToolInput, output: OutputWriter = .standardOutput
    ) -> ToolContext {
        ToolContext(
            client: RegistryClient(credentials: CredentialStore(environment: [:])), diagnostics: diagnostics, input: input,
            output: output)
    }

    /// Marks `record` as failed with `error`, reports it on stderr and raises the
    /// exit status: 2 when the registry cannot be reached or refuses us, else 1.
    public func failed(_ record: Record, _ error: any Error) -> Record {
        var record = record
        let message = "\(error)"
        record.error = message
        diagnostics.error(message, status: ToolContext.isTrouble(error) ? 2 : 1)
        return record
    }

    /// Trouble (exit status 2) rather than one record's failure (1).
    public static func isTrouble(_ error: any Error) -> Bool {
        switch error {
        case is TransportError, is CredentialError, is ReferenceError: return true
        case let error as any TroubleReporting: return error.isTrouble
        default: return false
        }
    }

    /// How many records may be in flight in an ``OrderedStream``: enough to keep `--jobs` requests busy.
    public var window: Int { max(client.options.jobs * 4, 16) }

    /// Writes records in order and flushes, so results stream to a pipe.
    public func emit(_ records: [Record]) {
        for record in records { output.writeLine(record.encoded()) }
        output.flush()
    }
}

/// An error that knows whether it is about a registry as a whole (trouble, exit
/// status 2) or about one record (1).
public protocol TroubleReporting: Error {
    var isTrouble: Bool { get }
}

/// Records in memory as an async sequence.
public enum RecordSource {
    /// Records already in memory, as a sequence.
    public static func records(_ records: [Record]) -> AsyncStream<Record> {
        AsyncStream { continuation in
            for record in records { continuation.yield(record) }
            continuation.finish()
        }
    }
}

extension Record {
    /// The record of a reference given on the command line.
    public init(reference: ImageReference) {
        self.init()
        registry = reference.registry.written
        repo = reference.repo
        tag = reference.tag
        digest = reference.digest?.description
    }

    /// The registry this record names.
    /// - Throws: ``RecordFieldError`` when the field is missing or not a string, ``ReferenceError`` when it is invalid.
    public func registryAddress() throws -> RegistryAddress {
        guard let registry = try stringField(Field.registry) else {
            throw RecordFieldError.missing(Field.registry, in: self, hint: "records come from reg-ls or reg-tags")
        }
        return try RegistryAddress(registry)
    }

    /// The repository this record names.
    /// - Throws: ``RecordFieldError`` when the field is missing or not a string.
    public func repository() throws -> String {
        guard let repo = try stringField(Field.repo) else {
            throw RecordFieldError.missing(Field.repo, in: self, hint: "records come from reg-ls or reg-tags")
        }
        // On Docker Hub a one-segment name written by hand is an official image (library/).
        return (try? registryAddress())?.repository(repo) ?? repo
    }

    /// The string in field `name`, or nil when the record lacks it (or holds null there).
    /// - Throws: ``RecordFieldError/notAString(_:in:found:)`` when it holds a number, a list or an object.
    public func stringField(_ name: String) throws(RecordFieldError) -> String? {
        switch self[name] {
        case nil, .null: return nil
        case .string(let text): return text
        case .bool(let b): throw .notAString(name, in: self, found: "true or false (\(b))")
        case .int(let i): throw .notAString(name, in: self, found: "a number (\(i))")
        case .double(let d): throw .notAString(name, in: self, found: "a number (\(d))")
        case .array: throw .notAString(name, in: self, found: "a list")
        case .object: throw .notAString(name, in: self, found: "an object")
        }
    }
}

/// A record that lacks a field the tool needs, or holds something else than a string there.
public enum RecordFieldError: Error, CustomStringConvertible {
    case missing(String, in: Record, hint: String)
    /// `found` says what is there instead: `a number (5301)`.
    case notAString(String, in: Record, found: String)
    /// A `digest` next to a `tag` that is not `sha256:` and 64 lower-case hex digits.
    case invalidDigest(String, in: Record)

    public var description: String {
        switch self {
        case .missing(let field, let record, let hint):
            return "\(record.displayName): record has no \(field) (\(hint))"
        case .notAString(let field, let record, let found):
            return "\(record.displayName): field \(field) is \(found), not a string: write it in double quotes"
        case .invalidDigest(let digest, let record):
            return "\(record.displayName): digest '\(digest)' is not sha256: and 64 lower-case hex digits"
        }
    }
}
