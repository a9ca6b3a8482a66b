public import Foundation

/// The image one probe cycle pushes: a gzip layer of `size` random bytes (so every cycle uploads a
/// blob no registry has), a config and a manifest, built by ``ImageBuilder`` on the layers of
/// `--base` when it is given.
public enum ProbeImage {
    /// Builds the probe image for `tag`.
    /// - Parameters:
    ///   - size: bytes of random content in the layer (before compression; random bytes do not
    ///     shrink, so the blob is a little larger).
    ///   - base: the layers to build on; none gives a one-layer image for linux/amd64.
    public static func build(tag: String, size: Int, base: ImageBuilder.BaseLayers?, at time: Timestamp) -> ImageBuilder.Image {
        let platform = Platform(os: "linux", architecture: "amd64")
        let builder = ImageBuilder(format: .oci, created: time, platforms: [base?.platform ?? platform])
        let tar = Tar.archive(name: "reg-probe.bin", contents: randomBytes(size), modified: time)
        return builder.build(
            layer: tar, on: base ?? ImageBuilder.BaseLayers(layers: [], diffIDs: [], platform: platform),
            label: ("org.reg.probe", tag), createdBy: "reg-probe")
    }

    /// A tag no other cycle uses: `probe-` with the time in seconds and random hex, a valid tag
    /// that sorts by time.
    public static func tag(at time: Timestamp) -> String {
        "probe-\(time.seconds)-" + String(UInt32.random(in: .min ... .max), radix: 16)
    }

    /// `count` bytes that do not repeat from cycle to cycle: a fast generator (SplitMix64) seeded
    /// from the system's, since the content needs to be unique, not secret.
    static func randomBytes(_ count: Int) -> Data {
        var state = UInt64.random(in: .min ... .max)
        var data = Data(count: count)
        data.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                for i in 0..<min(8, buffer.count - offset) {
                    buffer[offset + i] = UInt8(truncatingIfNeeded: z >> (8 * UInt64(i)))
                }
                offset += 8
            }
        }
        return data
    }
}
