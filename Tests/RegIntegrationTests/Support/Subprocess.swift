import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished command left behind: its exit status and everything it wrote.
struct ToolResult: Sendable, CustomStringConvertible {
    /// The exit status; for a process killed by a signal, 128 + the signal number, as a shell reports it.
    var status: Int32
    var stdout: String
    var stderr: String

    /// Each non-empty line of standard output parsed as a JSON object; lines that are not objects are skipped.
    var records: [[String: Any]] {
        stdout.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])) as? [String: Any]
        }
    }

    var description: String { "status \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// A command that could not be started, or a helper's precondition that failed.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `argv[0]` (looked up in `PATH` unless it holds a slash) with the rest of `argv` as arguments, feeds it
/// `stdin` (else `/dev/null`), collects standard output and standard error, and waits for it to exit.
///
/// - Parameters:
///   - environment: the complete environment of the command; `nil` inherits this process's.
///   - directory: the working directory; `nil` keeps this process's.
///   - timeout: seconds after which the command is killed (SIGKILL) and `[killed after N s]` is added to stderr,
///     so that a hung tool fails its test instead of hanging the run.
@discardableResult
func run(
    _ argv: [String], stdin: String? = nil, environment: [String: String]? = nil, directory: URL? = nil,
    timeout: TimeInterval = 120
) throws -> ToolResult {
    try run(argv, stdinData: stdin.map { Data($0.utf8) }, environment: environment, directory: directory, timeout: timeout)
}

/// ``run(_:stdin:environment:directory:timeout:)`` with bytes for standard input.
@discardableResult
func run(
    _ argv: [String], stdinData: Data?, environment: [String: String]? = nil, directory: URL? = nil,
    timeout: TimeInterval = 120
) throws -> ToolResult {
    guard let name = argv.first else { throw HarnessError("run: empty argv") }
    let env = environment ?? ProcessInfo.processInfo.environment
    let process = Process()
    process.executableURL = try executableURL(name, path: env["PATH"])
    process.arguments = Array(argv.dropFirst())
    process.environment = env
    if let directory { process.currentDirectoryURL = directory }

    // Files, not pipes: tests start processes concurrently, and a child spawned at the same moment
    // (a registry that runs for the whole test) can inherit a pipe's write end, so that reading to
    // EOF, or a tool reading its standard input, would wait for that other child to exit.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("reg-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let (inputFile, outputFile, errorFile) = (
        scratch.appendingPathComponent("stdin"), scratch.appendingPathComponent("stdout"),
        scratch.appendingPathComponent("stderr")
    )
    try (stdinData ?? Data()).write(to: inputFile)
    try Data().write(to: outputFile)
    try Data().write(to: errorFile)
    let input = try FileHandle(forReadingFrom: stdinData == nil ? URL(fileURLWithPath: "/dev/null") : inputFile)
    let output = try FileHandle(forWritingTo: outputFile)
    let errors = try FileHandle(forWritingTo: errorFile)
    defer { [input, output, errors].forEach { try? $0.close() } }
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    do {
        try startCleanly(process)
    } catch {
        throw HarnessError("cannot start \(argv.joined(separator: " ")): \(error)")
    }

    let killed = LockedFlag()
    let watchdog = DispatchWorkItem { [process] in
        if process.isRunning {
            killed.set()
            kill(process.processIdentifier, SIGKILL)
        }
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    process.waitUntilExit()
    watchdog.cancel()
    let outputBytes = (try? Data(contentsOf: outputFile)) ?? Data()
    let errorBytes = (try? Data(contentsOf: errorFile)) ?? Data()

    var stderr = String(decoding: errorBytes, as: UTF8.self)
    if killed.isSet { stderr += "\n[killed after \(Int(timeout)) s]\n" }
    let status =
        process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return ToolResult(status: status, stdout: String(decoding: outputBytes, as: UTF8.self), stderr: stderr)
}

/// Runs `command` with `bash -c` (so pipes, `$(...)` and `PIPESTATUS` work) in ``testEnvironment(_:)``.
///
/// The status is that of the command line, as bash reports it (the last command of a pipeline; no `pipefail`).
@discardableResult
func shell(_ command: String, stdin: String? = nil, env: [String: String] = [:], timeout: TimeInterval = 120) throws
    -> ToolResult
{
    try run(["/bin/bash", "-c", command], stdin: stdin, environment: testEnvironment(env), timeout: timeout)
}

/// This process's environment without anything that could hand a program the machine's credentials or
/// configuration (`REG_*`, `REGISTRY_*`, which distribution reads as configuration, `DOCKER_CONFIG`), with
/// `DOCKER_CONFIG` pointing at an empty directory, then `overrides` on top.
func testEnvironment(_ overrides: [String: String] = [:]) -> [String: String] {
    var env = ProcessInfo.processInfo.environment.filter { key, _ in
        !key.hasPrefix("REG_") && !key.hasPrefix("REGISTRY_") && key != "DOCKER_CONFIG" && key != "DOCKER_AUTH_CONFIG"
    }
    env["DOCKER_CONFIG"] = emptyDockerConfig.path
    env.merge(overrides) { _, new in new }
    return env
}

/// An empty directory, made once per test process, that stands in for `~/.docker`.
let emptyDockerConfig: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "reg-it-docker-config-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: emptyDockerConfig) }
    return url
}()

/// A fresh directory under the temporary directory, named `reg-it-PREFIX-RANDOM`.
func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "reg-it-\(prefix)-\(UUID().uuidString.prefix(8).lowercased())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The last `lines` lines of a text file, for error messages; empty when it cannot be read.
func tail(of file: URL, lines: Int = 20) -> String {
    guard let data = try? Data(contentsOf: file) else { return "" }
    let all = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    return all.suffix(lines).joined(separator: "\n")
}

/// The full path of `name`: itself when it holds a slash, else the first executable match in `path`.
func executableURL(_ name: String, path: String?) throws -> URL {
    if name.contains("/") { return URL(fileURLWithPath: name) }
    for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
        let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw HarnessError("\(name): not found in PATH")
}

/// Starts `process` as a shell would: no signal blocked, SIGPIPE at its default.
///
/// Swift's concurrency threads block nearly every signal and `posix_spawn` hands the calling thread's mask to the
/// child (a child with SIGTERM blocked cannot be stopped); an ignored SIGPIPE is inherited too (`yes | head` would
/// complain). So: an empty mask on this thread while spawning, and SIGPIPE caught by a no-op handler here instead
/// of ignored (a caught signal is reset to its default by exec, and a write to a child that stopped reading
/// still fails with EPIPE instead of killing the test process).
func startCleanly(_ process: Process) throws {
    signal(SIGPIPE, ignorePipeSignal)
    var empty = sigset_t()
    var saved = sigset_t()
    sigemptyset(&empty)
    pthread_sigmask(SIG_SETMASK, &empty, &saved)
    defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
    try process.run()
}

private func ignorePipeSignal(_: Int32) {}

private final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
