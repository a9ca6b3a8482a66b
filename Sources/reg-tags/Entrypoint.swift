import RegCommands
import RegTagsCommand

@main
struct Entrypoint {
    static func main() async { await RegTagsCommand.main() }
}
