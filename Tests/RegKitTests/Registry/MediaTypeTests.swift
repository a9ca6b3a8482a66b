import Testing

@testable import RegKit

@Suite("MediaType")
struct MediaTypeTests {
    @Test("normalize strips parameters and white space, and lower-cases")
    func normalize() {
        #expect(MediaType.normalize("application/vnd.oci.image.index.v1+json") == MediaType.ociIndex)
        #expect(MediaType.normalize("application/vnd.oci.image.manifest.v1+json; charset=utf-8") == MediaType.ociManifest)
        #expect(MediaType.normalize("  Application/JSON ;charset=UTF-8; q=1") == "application/json")
        #expect(MediaType.normalize(" application/vnd.docker.distribution.manifest.v2+json ") == MediaType.dockerManifest)
        #expect(MediaType.normalize("") == "")
        #expect(MediaType.normalize(";charset=utf-8") == "")
    }

    @Test("the Accept list names every modern manifest type, best first")
    func acceptList() {
        let modern = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest]
        for type in modern { #expect(MediaType.acceptedManifests.contains(type), "\(type)") }
        #expect(Array(MediaType.acceptedManifests.prefix(4)) == modern)
        let header = MediaType.manifestAcceptHeader.split(separator: ", ").map(String.init)
        #expect(header == MediaType.acceptedManifests)
        for type in modern { #expect(MediaType.manifestAcceptHeader.contains(type)) }
        #expect(Set(MediaType.acceptedManifests).count == MediaType.acceptedManifests.count)
    }

    @Test("isIndex, isImage and isSchema1 sort the types")
    func classification() {
        #expect(MediaType.isIndex(MediaType.ociIndex))
        #expect(MediaType.isIndex(MediaType.dockerManifestList))
        #expect(!MediaType.isIndex(MediaType.ociManifest))
        #expect(!MediaType.isIndex(MediaType.dockerManifest))
        #expect(MediaType.isImage(MediaType.ociManifest))
        #expect(MediaType.isImage(MediaType.dockerManifest))
        #expect(!MediaType.isImage(MediaType.ociIndex))
        #expect(!MediaType.isImage(MediaType.dockerManifestList))
        #expect(!MediaType.isImage(MediaType.dockerSchema1Signed))
        #expect(MediaType.isSchema1(MediaType.dockerSchema1))
        #expect(MediaType.isSchema1(MediaType.dockerSchema1Signed))
        #expect(!MediaType.isSchema1(MediaType.dockerManifest))
        for other in ["application/json", MediaType.ociConfig, MediaType.ociLayerGzip, ""] {
            #expect(!MediaType.isIndex(other) && !MediaType.isImage(other) && !MediaType.isSchema1(other), "\(other)")
        }
        // A Content-Type with parameters classifies once normalized.
        #expect(MediaType.isIndex(MediaType.normalize(MediaType.ociIndex + "; charset=utf-8")))
    }
}
