import Foundation

/// The manifest and blob media types reg understands: the one place they are spelled.
public enum MediaType {
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"
    public static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    /// OCI 1.1's empty descriptor type: the two bytes `{}`, for artifacts without config or layers.
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"

    /// Every manifest type, best first: sent as `Accept` on every manifest request,
    /// so OCI content is not answered with 404 and HEAD and GET agree on the digest.
    public static let acceptedManifests = [
        ociIndex, dockerManifestList, ociManifest, dockerManifest, dockerSchema1Signed, dockerSchema1,
    ]

    /// The `Accept` header value for manifests.
    public static let manifestAcceptHeader = acceptedManifests.joined(separator: ", ")

    /// True for types that list other manifests (one per platform).
    public static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerManifestList }

    /// True for types that describe one image (config and layers).
    public static func isImage(_ type: String) -> Bool { type == ociManifest || type == dockerManifest }

    /// True for Docker schema 1, of which reg reads only the digest.
    public static func isSchema1(_ type: String) -> Bool { type == dockerSchema1 || type == dockerSchema1Signed }

    /// Strips parameters (`; charset=utf-8`) and white space from a `Content-Type`.
    public static func normalize(_ contentType: String) -> String {
        // Empty pieces kept: for ";charset=utf-8" the type is "", not the parameter.
        let base = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return base.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
