/// What reg-scrape refuses.
public enum ScrapeError: Error, Sendable, CustomStringConvertible {
    /// A record whose repository or tag would not stay a path inside the folder.
    case refused(record: String, LayoutError)

    public var description: String {
        switch self {
        case .refused(let record, let error):
            // The record as one line, whatever control characters its names hold.
            return "\(String(record.debugDescription.dropFirst().dropLast())): \(error)"
        }
    }
}
