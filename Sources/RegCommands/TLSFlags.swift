public import ArgumentParser
import Foundation
package import RegKit

/// How to reach registries over HTTPS: the same flags as curl.
public struct TLSFlags: ParsableArguments {
    @Flag(
        name: [.customShort("k"), .long],
        help: "Skip TLS certificate verification; send credentials to a plain-HTTP token realm of an HTTPS registry.")
    var insecure = false

    @Option(
        name: .customLong("ca-file"), help: ArgumentHelp("Trust the certificate authorities in this PEM file.", valueName: "file")
    )
    var caFile: String?

    @Option(name: .customLong("cert"), help: ArgumentHelp("Client certificate (PEM) for mutual TLS.", valueName: "file"))
    var certFile: String?

    @Option(name: .customLong("key"), help: ArgumentHelp("Private key (PEM) of --cert.", valueName: "file"))
    var keyFile: String?

    public init() {}

    public func validate() throws {
        for (flag, path) in [("--ca-file", caFile), ("--cert", certFile), ("--key", keyFile)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag) \(path): no such readable file.")
            }
        }
        if (certFile == nil) != (keyFile == nil) {
            throw ValidationError("--cert and --key go together: pass both.")
        }
    }

    var options: TLSOptions { TLSOptions(insecure: insecure, caFile: caFile, certFile: certFile, keyFile: keyFile) }
}
