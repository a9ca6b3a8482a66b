import RegCommands
import RegCopyCommand

@main
struct Entrypoint {
    static func main() async { await RegCopyCommand.main() }
}
