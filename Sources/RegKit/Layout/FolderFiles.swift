import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files of a folder store, under one root: what both disk layouts share.
///
/// Every file is written atomically (a temporary name in its own folder, flushed, then renamed,
/// ``FileSink``), and a blob gets its final name only once its bytes match its digest. Paths are
/// made by the layouts from validated names and ``Digest`` values only, so nothing lands
/// outside the root.
struct FolderFiles: Sendable {
    /// The root folder, as given.
    let root: String

    /// `root/relative`.
    func path(_ relative: String) -> String { root + "/" + relative }

    /// True when a file or folder is at `relative` (one `stat`).
    func exists(_ relative: String) -> Bool {
        var info = stat()
        return stat(path(relative), &info) == 0
    }

    /// The bytes of the file at `relative`, or nil when there is none.
    /// - Throws: ``FileError`` when it cannot be read, ``LayoutError/invalidFile(path:reason:)``
    ///   when it is larger than `limit`.
    func read(_ relative: String, limit: Int) throws -> Data? {
        let full = path(relative)
        let fd = open(full, O_RDONLY)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw FileError(path: full, action: "open", errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(path: full, action: "read the size of", errno: errno) }
        guard info.st_size <= limit else {
            throw LayoutError.invalidFile(path: full, reason: "larger than \(limit) bytes: not what this folder keeps here")
        }
        var data = Data(count: Int(info.st_size))
        var offset = 0
        while offset < data.count {
            let answer = data.withUnsafeMutableBytes { buffer in
                FileIO.read(
                    fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]), count: buffer.count - offset,
                    at: Int64(offset))
            }
            guard case .bytes(let n) = answer else {
                throw FileError(path: full, action: "read", errno: errno == 0 ? EIO : errno)
            }
            offset += n
        }
        return data
    }

    /// A link file's digest (`sha256:<64 hex>`, nothing else), or nil when there is no such file.
    /// - Throws: ``LayoutError/invalidLink(path:)`` for anything else in it.
    func link(_ relative: String) throws -> Digest? {
        guard let data = try read(relative, limit: 128) else { return nil }
        guard let digest = Digest(String(decoding: data, as: UTF8.self)) else {
            throw LayoutError.invalidLink(path: path(relative))
        }
        return digest
    }

    /// Writes `data` to `relative` atomically, making its folders.
    func write(_ data: Data, to relative: String) throws {
        let sink = try sink(relative)
        let taken = data.withUnsafeBytes { sink.write($0) }
        guard taken == .accepted else {
            sink.discard()
            throw FileError(path: path(relative), action: "write", errno: errno)
        }
        try sink.commit()
    }

    /// Writes `digest` as a link file (no newline, as distribution writes it).
    func writeLink(_ digest: Digest, to relative: String) throws {
        try write(Data(digest.description.utf8), to: relative)
    }

    /// Streams `source` into a temporary file beside `relative`, checks it against
    /// `descriptor`'s digest and size, and only then gives it its final name.
    /// - Returns: the bytes written.
    /// - Throws: ``RegistryError/digestMismatch(what:expected:actual:)`` (nothing is left
    ///   behind), the source's failure, or ``FileError``.
    func writeBlob(_ source: any BodySource, _ descriptor: Descriptor, to relative: String, what: String) async throws -> Int64 {
        let sink: FileSink
        do {
            sink = try self.sink(relative)
        } catch {
            source.cancel()
            throw error
        }
        do {
            let bytes = try await BlobFeed.check(source, descriptor.digest, size: descriptor.size, what: what, into: sink)
            try sink.commit()
            return bytes
        } catch {
            sink.discard()
            source.cancel()
            throw error
        }
    }

    /// Streams the blob file at `relative` into `sink`, checking its digest and size.
    /// - Throws: ``RegistryError/notFound(what:code:)`` when there is no such file.
    func readBlob(_ relative: String, _ digest: Digest, size: Int64?, what: String, into sink: any BodySink) async throws
        -> Int64
    {
        try await BlobFeed.check(try body(relative, what: what), digest, size: size, what: what, into: sink)
    }

    /// The file at `relative` as a body.
    /// - Throws: ``RegistryError/notFound(what:code:)`` when there is no such file.
    func body(_ relative: String, what: String) throws -> FileSource {
        do {
            return try FileSource(path: path(relative))
        } catch let error as FileError where error.errno == ENOENT || error.errno == ENOTDIR {
            throw RegistryError.notFound(what: what, code: "BLOB_UNKNOWN")
        }
    }

    /// The names of the folders in `relative`, sorted; none when it does not exist.
    func folders(in relative: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path(relative))) ?? []
        return names.filter { name in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path(relative + "/" + name), isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
    }

    /// A ``FileSink`` for `relative`, its folder made first.
    private func sink(_ relative: String) throws -> FileSink {
        let full = path(relative)
        let folder = URL(fileURLWithPath: full).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: folder, action: "create", errno: errno == 0 ? EIO : errno)
        }
        return try FileSink(path: full)
    }
}

extension FolderFiles {
    /// The most bytes a manifest may have: distribution's own limit.
    static let manifestLimit = 4 << 20

    /// The manifest stored at `relative`, checked against `digest`, or nil when there is none.
    /// - Parameter mediaType: what the folder says it is, when it says (an OCI index entry);
    ///   else what the content declares.
    /// - Throws: ``RegistryError/digestMismatch(what:expected:actual:)``,
    ///   ``RegistryError/invalidManifest(reference:reason:)``.
    func manifest(_ relative: String, _ digest: Digest, mediaType: String?, what: String) throws -> ImageNode? {
        guard let bytes = try read(relative, limit: Self.manifestLimit) else { return nil }
        let actual = Digest(of: bytes)
        guard actual == digest else {
            throw RegistryError.digestMismatch(what: what, expected: digest.description, actual: actual.description)
        }
        let manifest = try Manifest.parse(bytes, reference: what)
        guard let type = mediaType ?? manifest.inferredMediaType else {
            throw RegistryError.invalidManifest(reference: what, reason: "no mediaType, and neither manifests nor config")
        }
        return ImageNode(
            head: ManifestHead(digest: digest, mediaType: type, size: Int64(bytes.count)), bytes: bytes, manifest: manifest)
    }
}
