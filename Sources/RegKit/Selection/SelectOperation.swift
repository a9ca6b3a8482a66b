/// Runs a ``Selection`` over a stream of records: reads lines from the input, writes the
/// records that pass, and reports malformed lines and records that cannot be decided.
///
/// Without `--keep` and `--sort` it streams: each chunk of input that `read(2)` returns is
/// decided and written out before the next read, so a slow upstream's records flow on at
/// once and a fast one's are written in large blocks. A record that passes is written back
/// byte for byte.
public struct SelectOperation: RecordOperation {
    public let selection: Selection
    /// The time the run started, for durations.
    public let now: Timestamp

    public init(selection: Selection, now: Timestamp = .now) {
        self.selection = selection
        self.now = now
    }

    /// Reads the input to its end and writes the records that pass.
    ///
    /// A malformed line is reported with its line number and skipped (status 1); a record that
    /// lacks a `created` field the selection needs is reported by name and dropped (status 1);
    /// a read error ends the input (status 2). The status is left in the diagnostics.
    public func run(_ context: ToolContext) async {
        let (diagnostics, output) = (context.diagnostics, context.output)
        var buffer: SelectionBuffer<String>? =
            selection.needsWholeInput ? SelectionBuffer(selection: selection, now: now) : nil
        /// Decides one record: written at once when streaming, else kept for the end.
        func take(_ text: String, _ record: Record) {
            do {
                if buffer != nil {
                    try buffer!.append(record, payload: text)
                } else if try selection.matches(record, now: now) {
                    output.writeLine(text)
                }
            } catch {
                diagnostics.error("\(error)")
            }
        }
        switch context.input {
        case .records(let records):
            for record in records { take(record.encoded(), record) }
        case .lines(let input):
            var more = true
            while more {
                do {
                    more = try input.lines.readChunk { bytes, number in
                        guard let line = decode(bytes, number: number, name: input.name, diagnostics) else { return }
                        take(line.text, line.record)
                    }
                } catch {
                    diagnostics.error("\(input.name): \(error)", status: 2)
                    more = false
                }
                // Streaming: what this chunk decided goes out before the next read can block.
                if buffer == nil { output.flush() }
            }
        }
        if let buffer {
            for repository in buffer.indistinctTimes() { diagnostics.warning(repository) }
            for line in buffer.result() { output.writeLine(line) }
        }
        output.flush()
    }

    /// The record on an input line, or nil after reporting why there is none (status 1).
    /// Blank lines are skipped silently.
    private func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int, name: String, _ diagnostics: Diagnostics
    ) -> (text: String, record: Record)? {
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            diagnostics.error("\(name):\(number): not valid UTF-8; line skipped")
            return nil
        }
        do {
            return (text, try Record(line: text))
        } catch {
            diagnostics.error("\(name):\(number): \(error); line skipped")
            return nil
        }
    }
}
