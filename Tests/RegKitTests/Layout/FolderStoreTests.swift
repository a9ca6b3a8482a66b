import Foundation
import Testing

@testable import RegKit

/// The disk layouts as targets and sources of the one copier, on a temporary folder.
@Suite("Folder stores: storage tree and OCI layout")
struct FolderStoreTests {
    static func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reg-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func files(_ root: String) -> [String] {
        (FileManager.default.subpaths(atPath: root) ?? []).sorted()
    }

    @Test("spellings: storage:DIR and oci:DIR are folders wherever a registry is written; anything else is not")
    func spellings() throws {
        #expect(FolderAddress("storage:./ship") == FolderAddress(layout: .storage, path: "./ship"))
        #expect(FolderAddress("oci:/tmp/x") == FolderAddress(layout: .oci, path: "/tmp/x"))
        #expect(FolderAddress("storage:") == nil)
        #expect(FolderAddress("dir:/x") == nil)
        #expect(FolderAddress("127.0.0.1:5000") == nil)
        let address = try RegistryAddress("storage:./ship")
        #expect(address.folder?.layout == .storage)
        #expect(address.name == "storage:./ship" && address.written == "storage:./ship")
        #expect(!address.isDockerHub)
        let reference = try ImageReference(parsing: "oci:/tmp/a/b")
        #expect(reference.registry.folder?.path == "/tmp/a/b" && reference.repo == nil)
    }

    @Test("names that would leave the folder are refused; digests are Digest values")
    func unsafeNames() {
        for repo in ["../x", "/abs", "a/../../b", "a//b", "a\u{0}b", "a\nb", "A", "", "a/"] {
            #expect(throws: LayoutError.self) { try SafeName.repository(repo, in: "storage:d") }
        }
        for tag in ["../x", ".hidden", "-x", "a/b", "a\u{7}", String(repeating: "a", count: 129)] {
            #expect(throws: LayoutError.self) { try SafeName.tag(tag, in: "storage:d") }
        }
        #expect((try? SafeName.repository("team/app-1.x_y", in: "d")) == "team/app-1.x_y")
        #expect(Digest("sha256:../../etc") == nil)
    }

    @Test("a copy into a storage tree writes distribution's files, then reads back through the same store")
    func storageRoundTrip() async throws {
        let (source, index, _) = ImageCopierTests.source()
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StorageFolder(root: root)
        let outcome = try await ImageCopier(target: store).copy(
            from: source, repo: "app", reference: "1.0", to: "team/app", tag: "1.0")
        #expect(outcome.status == .copied && outcome.blobsCopied == 7)
        let digest = Digest(of: index)
        let v2 = root + "/docker/registry/v2/"
        let current = try String(contentsOfFile: v2 + "repositories/team/app/_manifests/tags/1.0/current/link", encoding: .utf8)
        #expect(current == digest.description, "a link is the digest, no newline")
        #expect(FileManager.default.fileExists(atPath: v2 + "blobs/sha256/\(digest.hex.prefix(2))/\(digest.hex)/data"))
        #expect(
            FileManager.default.fileExists(
                atPath: v2 + "repositories/team/app/_manifests/tags/1.0/index/sha256/\(digest.hex)/link"))

        var repos: [String] = []
        try await store.repositories { repos += $0 }
        #expect(repos == ["team/app"])
        var tags: [String] = []
        try await store.tags("team/app") { tags += $0 }
        #expect(tags == ["1.0"])
        let node = try await store.manifest("team/app", reference: "1.0")
        #expect(node.digest == digest && node.bytes == index && node.isIndex)
        // The folder is a source like any: a copy out of it into a second folder is the same image.
        let second = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: second) }
        let again = try await ImageCopier(target: OCIFolder(root: second)).copy(
            from: store, repo: "team/app", reference: "1.0", to: "team/app", tag: "1.0")
        #expect(again.digest == digest && again.blobsCopied == 7)
        #expect(try await OCIFolder(root: second).manifestDigest("team/app", reference: "1.0") == digest)
        // A second copy into the same tree finds the tag there.
        let exists = try await ImageCopier(target: store).copy(
            from: source, repo: "app", reference: "1.0", to: "team/app", tag: "1.0")
        #expect(exists.status == .exists)
        await #expect(throws: RegistryError.self) { try await store.tags("team/none") { _ in } }
    }

    @Test("a blob whose bytes are not its digest never gets its final name, and no temporary file stays")
    func forgedBlob() async throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let real = Data("the real bytes".utf8)
        let descriptor = Descriptor(mediaType: MediaType.ociLayerGzip, digest: Digest(of: real), size: Int64(real.count))
        for store in [StorageFolder(root: root) as any ImageTarget, OCIFolder(root: root)] {
            await #expect(throws: RegistryError.self) {
                try await store.writeBlob("team/app", descriptor: descriptor, mountFrom: nil) {
                    DataSource(Data("forged bytes!!".utf8))
                }
            }
            #expect(try await store.hasBlob("team/app", digest: descriptor.digest) == false)
        }
        #expect(!Self.files(root).contains { $0.hasSuffix("/data") || $0.contains(".part-") }, "\(Self.files(root))")
        #expect(!Self.files(root).contains { $0.hasPrefix("blobs/sha256/") && $0.count > 14 }, "\(Self.files(root))")
    }

    @Test("a hostile link or index entry is refused, and a hostile tag never becomes a path")
    func hostileFolder() async throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tagFolder = root + "/docker/registry/v2/repositories/team/app/_manifests/tags/1.0/current"
        try FileManager.default.createDirectory(atPath: tagFolder, withIntermediateDirectories: true)
        try Data("sha256:../../../../x".utf8).write(to: URL(fileURLWithPath: tagFolder + "/link"))
        await #expect(
            throws: LayoutError.invalidLink(
                path: root + "/docker/registry/v2/repositories/team/app/_manifests/tags/1.0/current/link")
        ) {
            _ = try await StorageFolder(root: root).manifest("team/app", reference: "1.0")
        }
        let before = Self.files(root)
        await #expect(throws: LayoutError.self) {
            try await StorageFolder(root: root).putManifest(
                "team/app", reference: "../../../x", bytes: Data("{}".utf8), mediaType: MediaType.ociManifest)
        }
        await #expect(throws: LayoutError.self) {
            try await OCIFolder(root: root).putManifest(
                "../team", reference: "1.0", bytes: Data("{}".utf8), mediaType: MediaType.ociManifest)
        }
        #expect(Self.files(root) == before)
    }

    @Test("listing a folder that holds no layout is an error, not an empty registry")
    func notALayout() async throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        await #expect(throws: LayoutError.self) { try await StorageFolder(root: root).repositories { _ in } }
        await #expect(throws: LayoutError.self) { try await OCIFolder(root: root + "/none").repositories { _ in } }
    }
}
