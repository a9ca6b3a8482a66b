import Foundation

extension Record {
    /// The digest of the image a record names: for a platform record of an expanded index
    /// (`reg-manifest --expand`), its index, which stands for the whole image; else its digest.
    /// - Throws: ``RecordFieldError`` when the field is not a digest.
    func imageDigest() throws -> Digest? {
        try (stringField(Field.index) ?? stringField(Field.digest)).map { text in
            guard let digest = Digest(text) else { throw RecordFieldError.invalidDigest(text, in: self) }
            return digest
        }
    }

    /// Notes what a copy of the record's image did: `status`, `dest`, the source's `digest`
    /// when the record had none, `destDigest` when the destination's differs, `bytes`, the blob
    /// counts, and with `referrers` their count.
    mutating func note(_ outcome: ImageCopier.Outcome, status: String, dest: String, referrers: Bool) {
        self.status = status
        if digest == nil { digest = outcome.sourceDigest.description }
        if outcome.digest != outcome.sourceDigest { self[Field.destDigest] = .string(outcome.digest.description) }
        self[Field.dest] = .string(dest)
        self[Field.bytes] = .int(outcome.bytes)
        self[Field.blobsCopied] = .int(Int64(outcome.blobsCopied))
        self[Field.blobsMounted] = .int(Int64(outcome.blobsMounted))
        self[Field.blobsSkipped] = .int(Int64(outcome.blobsSkipped))
        if referrers { self[Field.referrers] = .int(Int64(outcome.referrers)) }
    }
}

/// Images done and bytes moved so far by a run of reg-copy or reg-scrape, for `--progress`
/// and the `--verbose` summary.
struct CopyTally {
    private var images = 0
    private var bytes: Int64 = 0
    private let start = ContinuousClock.now

    /// Counts the records that were copied (those with a status).
    mutating func count(_ records: [Record]) {
        for record in records where record.status != nil {
            images += 1
            if case .int(let moved) = record[Record.Field.bytes] { bytes += moved }
        }
    }

    /// `N images done, B bytes, R MiB/s`.
    var progress: String { "\(images) images done, \(bytes) bytes, \(rate)" }

    /// `N images, B bytes`.
    var totals: String { "\(images) images, \(bytes) bytes" }

    /// Bytes per second since the run began, in MiB/s.
    var rate: String {
        let seconds = max((ContinuousClock.now - start) / .seconds(1), 0.001)
        return String(format: "%.1f MiB/s", Double(bytes) / 1_048_576 / seconds)
    }
}
