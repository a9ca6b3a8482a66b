import ArgumentParser
import RegCommands

@main
struct Entrypoint {
    static func main() async { await RegCopyCommand.main() }
}
