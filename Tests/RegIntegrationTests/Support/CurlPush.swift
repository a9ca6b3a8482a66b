import Foundation

/// Runs a bash `script` in a fresh folder, for pushing by raw curl what reg and skopeo would not
/// write themselves. The script has `BASE` (`.../v2/REPO`) and `upload FILE` (one monolithic
/// blob upload, by the file's digest). Returns what the script prints, trimmed.
func curlPush(_ server: RegistryServer, repo: String, _ script: String, timeout: TimeInterval = 120) throws -> String {
    let folder = try makeTemporaryDirectory("curl-push")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try shell(
        """
        set -euo pipefail
        cd '\(folder.path)'
        BASE='\(server.baseURL)/v2/\(repo)'
        upload() {
          loc=$(curl -sS -o /dev/null -D - -X POST "$BASE/blobs/uploads/" | tr -d '\\r' | sed -n 's/^[Ll]ocation: //p')
          curl -sSf -T "$1" -H 'Content-Type: application/octet-stream' "$loc&digest=sha256:$(sha256sum "$1" | cut -d' ' -f1)"
        }
        \(script)
        """, timeout: timeout)
    guard result.status == 0 else { throw HarnessError("push to \(server.hostPort)/\(repo) failed: \(result)") }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}
