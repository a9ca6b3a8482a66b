import Foundation
import Testing

@testable import RegKit

@Suite("ProbeImage")
struct ProbeImageTests {
    @Test("each probe image is new: its own layer, config and digest, and a tag no other cycle takes")
    func unique() throws {
        let time = Timestamp(seconds: 1_700_000_000)
        let one = ProbeImage.build(tag: "t", size: 4096, base: nil, at: time)
        let two = ProbeImage.build(tag: "t", size: 4096, base: nil, at: time)
        #expect(one.digest != two.digest)
        #expect(Set(one.blobs.map(\.descriptor.digest)).isDisjoint(with: two.blobs.map(\.descriptor.digest)))
        #expect(ProbeImage.tag(at: time) != ProbeImage.tag(at: time))
        #expect(ImageReference.isValidTag(ProbeImage.tag(at: time)))
    }

    @Test("the manifest names the config and the layer, whose diff_id is the tar's digest and which holds --size bytes")
    func shape() throws {
        let image = ProbeImage.build(tag: "probe-1", size: 100_000, base: nil, at: Timestamp(seconds: 1_700_000_000))
        let manifest = try Manifest.parse(image.manifest, reference: "probe")
        #expect(image.mediaType == MediaType.ociManifest)
        let layers = try #require(manifest.layers)
        #expect(layers.count == 1)
        let layer = try #require(image.blobs.first { $0.descriptor.digest == layers[0].digest })
        #expect(layer.data.count > 100_000, "random bytes do not compress")
        let configBlob = try #require(image.blobs.first { $0.descriptor.digest == manifest.config?.digest })
        let config = try JSONDecoder().decode(ImageConfig.self, from: configBlob.data)
        #expect(config.os == "linux" && config.architecture == "amd64")
        #expect(config.rootfs?.diffIDs?.count == 1)
    }

    @Test("on --base's layers: they come first in the manifest and the config, and only the new blobs are the image's own")
    func onBase() throws {
        let baseLayer = Descriptor(mediaType: MediaType.ociLayerGzip, digest: Digest(of: Data("base".utf8)), size: 4)
        let diffID = Digest(of: Data("base tar".utf8))
        let base = ImageBuilder.BaseLayers(
            layers: [baseLayer], diffIDs: [diffID], platform: Platform(os: "linux", architecture: "arm64", variant: "v8"))
        let image = ProbeImage.build(tag: "probe-1", size: 10, base: base, at: Timestamp(seconds: 1_700_000_000))
        let manifest = try Manifest.parse(image.manifest, reference: "probe")
        #expect(manifest.layers?.count == 2)
        #expect(manifest.layers?.first == baseLayer)
        #expect(image.blobs.count == 2)
        #expect(!image.blobs.contains { $0.descriptor.digest == baseLayer.digest })
        let configBlob = try #require(image.blobs.first { $0.descriptor.digest == manifest.config?.digest })
        let config = try JSONDecoder().decode(ImageConfig.self, from: configBlob.data)
        #expect(config.rootfs?.diffIDs?.first == diffID.description)
        #expect(config.architecture == "arm64" && config.variant == "v8")
    }

    @Test("a phase that gives no result in its time is cut with timedOut naming the phase")
    func phaseLimit() async throws {
        await #expect(throws: ProbeError.timedOut(.pull, seconds: 1)) {
            try await ProbeCycle.limited(.pull, seconds: 1) { try await Task.sleep(for: .seconds(600)) }
        }
        let value = try await ProbeCycle.limited(.push, seconds: 60) { 42 }
        #expect(value == 42)
    }

    @Test("the record: fixed names, each phase's seconds, ok, and for a failure the phase and error")
    func record() throws {
        let registry = try RegistryAddress("http://127.0.0.1:5000")
        var result = ProbeResult(
            registry: registry, repo: "monitor/probe", tag: "probe-1", started: Timestamp(seconds: 1_700_000_000))
        result.digest = Digest(of: Data("m".utf8))
        result.seconds = [.push: 0.12345, .pull: 2]
        result.failure = (.pull, "broke")
        let record = result.record
        #expect(record.registry == "http://127.0.0.1:5000")
        #expect(record[Record.Field.seconds(.push)] == .double(0.123))
        #expect(record[Record.Field.seconds(.list)] == nil)
        #expect(record[Record.Field.ok] == .bool(false))
        #expect(record[Record.Field.phase] == .string("pull"))
        #expect(record.error == "broke")
        #expect(record[Record.Field.started] == .string("2023-11-14T22:13:20Z"))
    }
}
