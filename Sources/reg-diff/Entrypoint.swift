import RegCommands
import RegDiffCommand

@main
struct Entrypoint {
    static func main() async { await RegDiffCommand.main() }
}
