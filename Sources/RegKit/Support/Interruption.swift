import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT and SIGTERM for a tool that changes registries: before any change a signal ends
/// the process at once; while changes run (``changing(_:)``), the first signal is only
/// recorded, so the tool starts no new change, lets the ones in flight finish and writes the
/// record of everything it did; a second signal ends the process at once.
public final class Interruption: Sendable {
    private struct State {
        var signal: Int32?
        var changing = false
    }

    private let state = Mutex(State())
    private let diagnostics: Diagnostics
    /// The dispatch sources, kept alive for the life of the process.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    /// An interruption raised only by ``raise(_:)``: for tests, and for tools that do not watch signals.
    public init(diagnostics: Diagnostics) {
        self.diagnostics = diagnostics
    }

    /// Watches SIGINT and SIGTERM for the rest of the process.
    public static func watchingSignals(_ diagnostics: Diagnostics) -> Interruption {
        let interruption = Interruption(diagnostics: diagnostics)
        let queue = DispatchQueue(label: "reg.signals")
        // Set up before the sources start, and never changed after: no lock needed.
        interruption.sources = [SIGINT, SIGTERM].map { number in
            _ = systemSignal(number, SIG_IGN)  // the dispatch source takes it from here
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { interruption.raise(number) }
            source.resume()
            return source
        }
        return interruption
    }

    /// The signal that arrived, if any.
    public var signal: Int32? { state.withLock { $0.signal } }

    /// True once a signal arrived: start no new change.
    public var isRaised: Bool { signal != nil }

    /// Records `number` as a signal arriving would. Outside ``changing(_:)`` or the second
    /// time, the process ends with status 2.
    public func raise(_ number: Int32) {
        let (first, changing) = state.withLock { state -> (Bool, Bool) in
            let first = state.signal == nil
            if first { state.signal = number }
            return (first, state.changing)
        }
        let name = Self.name(number)
        if first && changing {
            diagnostics.emit("\(name): finishing the requests in flight, starting no new one (again to stop at once)")
            return
        }
        diagnostics.error(
            changing
                ? "\(name) again: stopping now; a request in flight may or may not have taken effect"
                : "\(name): stopped before changing anything", status: 2)
        exit(diagnostics.exitStatus)
    }

    /// Runs `body`, during which a first signal is recorded rather than ending the process.
    public func changing<T>(_ body: () async -> T) async -> T {
        state.withLock { $0.changing = true }
        defer { state.withLock { $0.changing = false } }
        return await body()
    }

    static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(number)"
        }
    }
}

/// A change not made because the run was interrupted first.
public struct InterruptedError: TroubleReporting, CustomStringConvertible {
    public let signal: Int32
    public var isTrouble: Bool { true }
    public var description: String { "not done: interrupted by \(Interruption.name(signal)) before it started" }
}

#if canImport(Glibc)
    private let systemSignal = Glibc.signal
#elseif canImport(Darwin)
    private let systemSignal = Darwin.signal
#endif
