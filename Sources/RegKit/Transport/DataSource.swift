public import Foundation

/// A body held in memory.
public final class DataSource: BodySource, @unchecked Sendable {
    private let data: Data
    private var offset = 0

    public init(_ data: Data) { self.data = data }

    public var length: Int64 { Int64(data.count) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        let n = min(buffer.count, data.count - offset)
        guard n > 0 else { return .end }
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: offset..<(offset + n))
        offset += n
        return .bytes(n)
    }

    public func rewind() { offset = 0 }
}
