public import ArgumentParser
import Foundation

/// A reg command: runs as ArgumentParser does, except that bad usage exits with
/// status 2 (DESIGN.md), not ArgumentParser's 64.
public protocol RegTool: AsyncParsableCommand {}

extension RegTool {
    public static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
