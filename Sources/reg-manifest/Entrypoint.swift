import RegCommands
import RegManifestCommand

@main
struct Entrypoint {
    static func main() async { await RegManifestCommand.main() }
}
