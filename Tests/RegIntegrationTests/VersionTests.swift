import Foundation
import Testing

@testable import RegKit

@Suite("Every tool says its version")
struct VersionTests {
    static let tools = ["reg-ls", "reg-tags", "reg-manifest", "reg-diff", "reg-select", "reg-rm", "reg-seed"]

    @Test("--version prints the one version, exit 0", arguments: tools)
    func version(tool: String) throws {
        let result = try reg(tool, ["--version"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == RegVersion.current + "\n", "\(result)")
    }
}
