import Foundation

/// One line of the record stream: a JSON object with the fixed field names of the
/// design (`registry`, `repo`, `tag`, `digest`, ...) and any fields a user added.
///
/// A record read from input and left unchanged is written back byte for byte; a
/// changed one is written with sorted keys, so output is stable and diffable.
public struct Record: Sendable, Hashable {
    /// Every field of the record, known or not.
    public private(set) var fields: [String: JSONValue]
    /// The input line this record was read from, while it is unchanged.
    private var original: String?

    /// Creates a record from its fields.
    public init(_ fields: [String: JSONValue] = [:]) {
        self.fields = fields
    }

    /// Creates a record from one line of input.
    /// - Throws: ``RecordError`` when the line is not a JSON object.
    public init(line: String) throws {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw RecordError.malformed(detail: error.description)
        }
        guard case .object(let fields) = value else { throw RecordError.notAnObject }
        self.fields = fields
        self.original = line
    }

    public subscript(field: String) -> JSONValue? {
        get { fields[field] }
        set {
            fields[field] = newValue
            original = nil
        }
    }

    /// The record as one line of JSON, without the newline.
    public func encoded() -> String {
        if let original { return original }
        let data = (try? Record.encoder.encode(JSONValue.object(fields))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public static func == (a: Record, b: Record) -> Bool { a.fields == b.fields }
    public func hash(into h: inout Hasher) { h.combine(fields) }
}

// MARK: - The fields of the design, typed

extension Record {
    private func string(_ key: String) -> String? { fields[key]?.stringValue }
    private mutating func setString(_ key: String, _ value: String?) { self[key] = value.map(JSONValue.string) }

    /// The registry exactly as the user wrote it.
    public var registry: String? {
        get { string(Field.registry) }
        set { setString(Field.registry, newValue) }
    }
    public var repo: String? {
        get { string(Field.repo) }
        set { setString(Field.repo, newValue) }
    }
    public var tag: String? {
        get { string(Field.tag) }
        set { setString(Field.tag, newValue) }
    }
    public var digest: String? {
        get { string(Field.digest) }
        set { setString(Field.digest, newValue) }
    }
    public var mediaType: String? {
        get { string(Field.mediaType) }
        set { setString(Field.mediaType, newValue) }
    }
    public var platform: String? {
        get { string(Field.platform) }
        set { setString(Field.platform, newValue) }
    }
    /// The index digest of one platform's record (`reg-manifest --expand`).
    public var index: String? {
        get { string(Field.index) }
        set { setString(Field.index, newValue) }
    }
    /// The digest the record's tag points at: for one platform's record, `index` (nil
    /// when absent); else `digest`.
    public var tagDigest: String? { platform == nil ? digest : index }
    /// RFC 3339 time from the image config.
    public var created: String? {
        get { string(Field.created) }
        set { setString(Field.created, newValue) }
    }
    /// Set when this record failed in some tool; later tools pass the record through.
    public var error: String? {
        get { string(Field.error) }
        set { setString(Field.error, newValue) }
    }
    /// An action tool's outcome: one of ``Record/Status``.
    public var status: String? {
        get { string(Field.status) }
        set { setString(Field.status, newValue) }
    }
    /// Why an action tool left the record alone.
    public var reason: String? {
        get { string(Field.reason) }
        set { setString(Field.reason, newValue) }
    }

    public var size: Int64? {
        get { fields[Field.size]?.intValue }
        set { self[Field.size] = newValue.map(JSONValue.int) }
    }

    public var platforms: [String]? {
        get {
            guard case .array(let a) = fields[Field.platforms] else { return nil }
            return a.compactMap(\.stringValue)
        }
        set { self[Field.platforms] = newValue.map { .array($0.map(JSONValue.string)) } }
    }

    /// `registry/repo:tag` or `registry/repo@digest`, for messages; the registry by its
    /// normalised name (``RegistryAddress/name``), so `http://host:5000/` gives no `//`.
    public var displayName: String {
        var s = registry.map { (try? RegistryAddress($0))?.name ?? $0 } ?? "?"
        if let repo { s += "/" + repo }
        if let tag { s += ":" + tag } else if let digest { s += "@" + digest }
        return s
    }
}

/// Why a line of input is not a record.
public enum RecordError: Error, Equatable, CustomStringConvertible {
    /// The line is not valid JSON.
    case malformed(detail: String)
    /// The line is JSON, but not an object.
    case notAnObject

    public var description: String {
        switch self {
        case .malformed(let detail): return "not valid JSON (\(detail))"
        case .notAnObject: return "not a JSON object"
        }
    }
}
