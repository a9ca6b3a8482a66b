extension Record {
    /// The names of record fields: the one place they are spelled (DESIGN.md, "Records").
    /// The fields of the design have typed accessors on ``Record``; the others are read and
    /// written as `record[Record.Field.found]`.
    public enum Field {
        /// The registry exactly as it was written.
        public static let registry = "registry"
        public static let repo = "repo"
        public static let tag = "tag"
        /// The manifest digest; for a multi-platform image, the index's.
        public static let digest = "digest"
        public static let mediaType = "mediaType"
        public static let size = "size"
        /// The platforms an index lists.
        public static let platforms = "platforms"
        /// One platform's manifest, when an index was expanded.
        public static let platform = "platform"
        /// The index digest of one platform's record (`reg-manifest --expand`).
        public static let index = "index"
        /// RFC 3339 time from the image config.
        public static let created = "created"
        /// Set when the record failed in some tool; later tools pass the record through.
        public static let error = "error"
        /// An action tool's outcome: one of ``Record/Status``.
        public static let status = "status"
        /// Why an action tool left the record alone (with status `kept`).
        public static let reason = "reason"
        /// reg-diff: the kind of difference (``CompareRegistries/Kind``).
        public static let diff = "diff"
        /// reg-diff: the target the difference was found in.
        public static let target = "target"
        /// reg-diff: the target's digest of a `changed` tag.
        public static let found = "found"
        /// reg-copy: the full destination reference; reg-scrape: the folder (`storage:DIR`, `oci:DIR`).
        public static let dest = "dest"
        /// reg-copy: blob bytes moved (with `would-copy`: that would move); reg-scrape: written to the folder.
        public static let bytes = "bytes"
        /// reg-copy: blobs sent, linked from another repository, or already there; reg-scrape:
        /// fetched and written, linked to a file the folder had already, or already in the repository.
        public static let blobsCopied = "blobsCopied"
        public static let blobsMounted = "blobsMounted"
        public static let blobsSkipped = "blobsSkipped"
        /// reg-copy `--platform`: the digest at the destination, where it is not the source's
        /// (`digest`): a new index of the platforms chosen, or the one platform's manifest.
        public static let destDigest = "destDigest"
        /// reg-copy `--referrers`: how many manifests attached to the image went with it.
        public static let referrers = "referrers"
        /// reg-probe: true when every phase of the cycle succeeded.
        public static let ok = "ok"
        /// reg-probe: the phase that failed (``ProbePhase``), with `error`.
        public static let phase = "phase"
        /// reg-probe: when the cycle started, RFC 3339.
        public static let started = "started"
        /// reg-probe: the seconds each phase took, as `pushSeconds`, `pullSeconds`, `listSeconds`,
        /// `deleteSeconds` (a phase that did not run has none).
        public static func seconds(_ phase: ProbePhase) -> String { "\(phase)Seconds" }
        /// reg-probe: blob bytes sent by the push and received by the pull.
        public static let bytesPushed = "bytesPushed"
        public static let bytesPulled = "bytesPulled"
    }

    /// The outcomes action tools write in `status`: the one place they are spelled.
    public enum Status {
        /// reg-rm: gone, with every tag on it (`--tag-only`: the tag alone is gone).
        public static let deleted = "deleted"
        /// reg-rm `--dry-run`: it would be deleted; nothing changed.
        public static let wouldDelete = "would-delete"
        /// reg-rm: left alone, and `reason` says why.
        public static let kept = "kept"
        /// reg-rm: already gone.
        public static let absent = "absent"
        /// reg-copy: written at the destination, the tag last.
        public static let copied = "copied"
        /// reg-copy, reg-scrape: the destination (registry or folder) had it already; nothing was written.
        public static let exists = "exists"
        /// reg-copy `--dry-run`: it would be copied; nothing changed.
        public static let wouldCopy = "would-copy"
        /// reg-scrape: written into the folder, the tag last.
        public static let scraped = "scraped"
    }
}
