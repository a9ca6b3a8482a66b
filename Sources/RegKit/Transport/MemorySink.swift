public import Foundation

/// Collects a body in memory, refusing more than `limit` bytes.
public final class MemorySink: BodySink, @unchecked Sendable {
    public private(set) var data = Data()
    private let limit: Int

    public init(limit: Int = 32 << 20) { self.limit = limit }

    public func write(_ bytes: UnsafeRawBufferPointer) -> BodyWrite {
        guard data.count + bytes.count <= limit else { return .refused }
        data.append(bytes.bindMemory(to: UInt8.self))
        return .accepted
    }

    public func reset() { data.removeAll(keepingCapacity: true) }
}
