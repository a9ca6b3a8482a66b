/// Runs a ``Selection`` over a stream of records: reads lines from a descriptor, writes the
/// records that pass, and reports malformed lines and records that cannot be decided.
///
/// Without `--keep` and `--sort` it streams: each chunk of input that `read(2)` returns is
/// decided and written out before the next read, so a slow upstream's records flow on at
/// once and a fast one's are written in large blocks. A record that passes is written back
/// byte for byte.
public struct SelectOperation {
    public let selection: Selection
    public let diagnostics: Diagnostics
    public let output: OutputWriter
    /// The time the run started, for durations.
    public let now: Timestamp

    public init(
        selection: Selection, diagnostics: Diagnostics, output: OutputWriter = .standardOutput,
        now: Timestamp = .now
    ) {
        self.selection = selection
        self.diagnostics = diagnostics
        self.output = output
        self.now = now
    }

    /// Reads records from `fd` to its end and writes those that pass.
    ///
    /// A malformed line is reported with its line number and skipped (status 1); a record that
    /// lacks a `created` field the selection needs is reported by name and dropped (status 1);
    /// a read error ends the input (status 2). The status is left in ``diagnostics``.
    /// - Parameters:
    ///   - fd: the descriptor to read; the operation does not close it.
    ///   - name: how messages name the input: `stdin` or a file name.
    public func run(fd: Int32 = 0, name: String = "stdin") {
        var buffer: SelectionBuffer<String>? =
            selection.needsWholeInput ? SelectionBuffer(selection: selection, now: now) : nil
        let reader = LineReader(fd: fd)
        var more = true
        while more {
            do {
                more = try reader.readChunk { bytes, number in
                    guard let line = decode(bytes, number: number, name: name) else { return }
                    do {
                        if buffer != nil {
                            try buffer!.append(line.record, payload: line.text)
                        } else if try selection.matches(line.record, now: now) {
                            output.writeLine(line.text)
                        }
                    } catch {
                        diagnostics.error("\(error)")
                    }
                }
            } catch {
                diagnostics.error("\(name): \(error)", status: 2)
                more = false
            }
            // Streaming: what this chunk decided goes out before the next read can block.
            if buffer == nil { output.flush() }
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
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int, name: String
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
