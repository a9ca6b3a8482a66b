import RegCommands
import RegProbeCommand

@main
struct Entrypoint {
    static func main() async { await RegProbeCommand.main() }
}
