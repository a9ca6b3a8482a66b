import RegCommands
import RegSelectCommand

@main
struct Entrypoint {
    static func main() async { await RegSelectCommand.main() }
}
