import RegCommands
import RegRmCommand

@main
struct Entrypoint {
    static func main() async { await RegRmCommand.main() }
}
