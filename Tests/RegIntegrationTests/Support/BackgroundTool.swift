import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One of our tools running in the background (a server such as `reg-probe --listen`), its standard output and
/// error going to files the test reads while it runs.
///
/// Every wait has a deadline that fails the test instead of hanging the run; none is an assertion on speed.
final class BackgroundTool: @unchecked Sendable {
    let process: Process
    private let scratch: URL
    private let stdoutFile: URL
    private let stderrFile: URL

    /// Starts `tool` with `args` in ``testEnvironment(_:)`` plus `env`, standard input from `/dev/null`.
    init(_ tool: String, _ args: [String], env: [String: String] = [:]) throws {
        scratch = try makeTemporaryDirectory("background")
        stdoutFile = scratch.appendingPathComponent("stdout")
        stderrFile = scratch.appendingPathComponent("stderr")
        try Data().write(to: stdoutFile)
        try Data().write(to: stderrFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: toolPath(tool))
        process.arguments = args
        process.environment = testEnvironment(env)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let output = try FileHandle(forWritingTo: stdoutFile)
        let errors = try FileHandle(forWritingTo: stderrFile)
        defer { [output, errors].forEach { try? $0.close() } }
        process.standardOutput = output
        process.standardError = errors
        try startCleanly(process)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Standard output so far as records.
    var records: [[String: Any]] { ToolResult(status: 0, stdout: stdout, stderr: "").records }

    /// Polls every 50 ms until `condition` gives a value, the process exits, or `seconds` pass (then throws,
    /// with the tool's output).
    func wait<T>(for what: String, seconds: TimeInterval = 60, _ condition: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try condition() { return value }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        if let value = try condition() { return value }
        throw HarnessError("waited for \(what) in vain (running: \(process.isRunning))\nstdout:\n\(stdout)\nstderr:\n\(stderr)")
    }

    /// The URL (`http://HOST:PORT`) a `reg-probe --listen` announced on standard error.
    func listeningAddress() throws -> String {
        try wait(for: "the listening line") {
            stderr.split(separator: "\n").lazy.compactMap { line -> String? in
                guard let range = line.range(of: "listening on ") else { return nil }
                return String(line[range.upperBound...])
            }.first
        }
    }

    /// Sends `signal` to the tool.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the exit (SIGKILL after `seconds`) and returns the status, 128 + N for a signal N.
    func waitForExit(seconds: TimeInterval = 60) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
}
