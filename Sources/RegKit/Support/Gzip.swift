import CZlib
public import Foundation

/// gzip compression through zlib, for the layers of generated images.
public enum Gzip {
    /// `data` as a gzip stream (no file name, no time: the same input gives the same bytes).
    public static func compress(_ data: Data, level: Int32 = 6) -> Data {
        // zlib keeps pointers into the stream: it must not move, so it lives on the heap.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard reg_deflateInit2(stream, level, 15 + 16) == Z_OK else { return Data() }
        var input = [UInt8](data)
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        input.withUnsafeMutableBufferPointer { source in
            stream.pointee.next_in = source.baseAddress
            stream.pointee.avail_in = uInt(source.count)
            var status = Z_OK
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.pointee.next_out = target.baseAddress
                    stream.pointee.avail_out = uInt(target.count)
                    status = deflate(stream, Z_FINISH)
                    output.append(target.baseAddress!, count: target.count - Int(stream.pointee.avail_out))
                }
            } while status == Z_OK
        }
        return output
    }
}
