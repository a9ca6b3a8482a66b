import Foundation
import Synchronization

/// The records a tool reads from standard input (or a file), one JSON object per line.
///
/// A malformed line is reported with its line number and skipped; the other lines
/// are still read (DESIGN.md, "Exit status and diagnostics"). One reader at a time: the
/// password, then the records (``next()``, ``stream(buffer:)``), or the lines themselves.
public final class RecordInput: @unchecked Sendable {
    /// The lines, for a tool that reads them itself (reg-select).
    public let lines: LineReader
    /// How messages name the input: `stdin` or a file name.
    public let name: String
    private let diagnostics: Diagnostics

    /// - Parameters:
    ///   - fd: the descriptor to read; standard input by default.
    ///   - name: how messages name the input: `stdin` or a file name.
    public init(fd: Int32 = 0, name: String = "stdin", diagnostics: Diagnostics) {
        self.lines = LineReader(fd: fd)
        self.name = name
        self.diagnostics = diagnostics
    }

    /// The next line as it is, not parsed: for a password read before the records.
    public func rawLine() -> String? { try? lines.next() }

    /// The next well-formed record, or nil at the end of input.
    /// Blank lines are skipped silently; read errors end the input with status 2.
    public func next() -> Record? {
        while true {
            let line: String?
            do {
                line = try lines.next()
            } catch {
                diagnostics.error("\(name): \(error)", status: 2)
                return nil
            }
            guard let line else { return nil }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            do {
                return try Record(line: line)
            } catch {
                diagnostics.error("\(name):\(lines.lineNumber): \(error); line skipped")
            }
        }
    }

    /// The records as an async sequence, read on a thread of its own so a slow
    /// upstream never blocks Swift's cooperative pool. At most `buffer` records
    /// wait unconsumed, which bounds memory on large inputs.
    public func stream(buffer: Int = 256) -> RecordStream {
        let (stream, continuation) = AsyncStream<Record>.makeStream()
        let credits = DispatchSemaphore(value: buffer)
        let box = UncheckedBox(self)
        let thread = Thread {
            while let record = box.value.next() {
                credits.wait()
                if case .terminated = continuation.yield(record) { break }
            }
            continuation.finish()
        }
        thread.start()
        return RecordStream(base: stream, credits: credits)
    }
}

/// Records read in the background; see ``RecordInput/stream(buffer:)``.
public struct RecordStream: AsyncSequence, Sendable {
    public typealias Element = Record
    let base: AsyncStream<Record>
    let credits: DispatchSemaphore

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<Record>.AsyncIterator
        let credits: DispatchSemaphore
        public mutating func next() async -> Record? {
            let record = await base.next()
            if record != nil { credits.signal() }
            return record
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), credits: credits)
    }
}

/// Moves a value across a concurrency boundary that the compiler cannot check.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
