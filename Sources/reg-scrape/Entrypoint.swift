import RegCommands
import RegScrapeCommand

@main
struct Entrypoint {
    static func main() async { await RegScrapeCommand.main() }
}
