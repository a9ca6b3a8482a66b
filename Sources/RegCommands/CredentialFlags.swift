public import ArgumentParser
import Foundation

/// Who to be. Without `--username`, REG_USERNAME/REG_PASSWORD, then the Docker config (or
/// `--authfile`), then anonymous.
public struct CredentialFlags: ParsableArguments {
    @Option(name: [.customShort("u"), .long], help: "User name for every registry this run talks to.")
    var username: String?

    @Flag(help: "Read the password from the first line of standard input (records follow on the next lines).")
    var passwordStdin = false

    @Option(
        help: ArgumentHelp(
            "Credentials per registry from this file in the Docker config's format (auths, credHelpers, credsStore), instead of the Docker config.",
            valueName: "file"))
    var authfile: String?

    public init() {}

    public func validate() throws {
        if passwordStdin && username == nil {
            throw ValidationError("--password-stdin needs --username.")
        }
        if username != nil && !passwordStdin {
            throw ValidationError("--username needs --password-stdin: a password is never taken as an argument.")
        }
        if let authfile, !FileManager.default.isReadableFile(atPath: authfile) {
            throw ValidationError("--authfile \(authfile): no such readable file.")
        }
    }
}
