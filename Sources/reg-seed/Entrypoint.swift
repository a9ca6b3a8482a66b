import RegCommands
import RegSeedCommand

@main
struct Entrypoint {
    static func main() async { await RegSeedCommand.main() }
}
