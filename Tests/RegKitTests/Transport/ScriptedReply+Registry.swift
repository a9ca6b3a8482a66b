@testable import RegKit

extension ScriptedReply {
    /// A registry's answer to a manifest HEAD: the descriptor headers, no body.
    static func manifestHead(_ digest: Digest, type: String, length: Int) -> ScriptedReply {
        .status(
            200,
            headers: [
                ("Docker-Content-Digest", digest.description), ("Content-Type", type), ("Content-Length", "\(length)"),
            ])
    }
}
