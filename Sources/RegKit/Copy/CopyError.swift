/// What reg-copy refuses before copying anything.
public enum CopyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `--rename` that is not `s/REGEX/REPLACEMENT/`.
    case invalidRename(String, reason: String)
    /// A destination with a tag or digest while the input has several images.
    case singleDestination(String, record: String)

    public var description: String {
        switch self {
        case .invalidRename(let text, let reason):
            return "--rename '\(text)': \(reason)"
        case .singleDestination(let destination, let record):
            return "\(record): the destination \(destination) names one image; write the registry alone to copy several"
        }
    }
}
