import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A registry address where something listens and nothing ever answers: the kernel completes each connection
/// (up to the backlog), nobody reads or writes. A hung registry, or a proxy in front of one, as a tool meets it.
final class SilentServer: @unchecked Sendable {
    private let fd: Int32
    /// `http://127.0.0.1:PORT`.
    let registry: String

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw HarnessError("cannot listen on 127.0.0.1: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        registry = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
    }

    deinit { close(fd) }
}
