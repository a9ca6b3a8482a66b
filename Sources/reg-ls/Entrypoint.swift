import RegCommands
import RegLsCommand

@main
struct Entrypoint {
    static func main() async { await RegLsCommand.main() }
}
