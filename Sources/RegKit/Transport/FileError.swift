import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that could not be written or read.
public struct FileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// What failed: `open`, `flush`, `rename into place`.
    public let action: String
    public let errno: Int32

    public var description: String { "\(path): cannot \(action) it: \(String(cString: strerror(errno)))" }
}
