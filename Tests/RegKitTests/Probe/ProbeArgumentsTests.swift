import Testing

@testable import RegKit

@Suite("ProbeArguments")
struct ProbeArgumentsTests {
    @Test("durations: bare seconds, s, m, h, ms; nothing at or below zero")
    func durations() {
        #expect(ProbeArguments.seconds("60") == 60)
        #expect(ProbeArguments.seconds("60s") == 60)
        #expect(ProbeArguments.seconds("2m") == 120)
        #expect(ProbeArguments.seconds("1h") == 3600)
        #expect(ProbeArguments.seconds("500ms") == 0.5)
        #expect(ProbeArguments.seconds("1.5s") == 1.5)
        for bad in ["", "0", "-1s", "soon", "5d", "ms"] { #expect(ProbeArguments.seconds(bad) == nil, "\(bad)") }
    }

    @Test("sizes: bytes, k, m, g as powers of 1024, with b or ib after")
    func sizes() {
        #expect(ProbeArguments.bytes("4096") == 4096)
        #expect(ProbeArguments.bytes("256k") == 256 << 10)
        #expect(ProbeArguments.bytes("1MiB") == 1 << 20)
        #expect(ProbeArguments.bytes("2g") == 2 << 30)
        #expect(ProbeArguments.bytes("10kb") == 10 << 10)
        for bad in ["", "k", "-1", "1t", "lots"] { #expect(ProbeArguments.bytes(bad) == nil, "\(bad)") }
    }

    @Test("listen addresses: HOST:PORT, :PORT for every interface, [IPv6]:PORT")
    func listen() {
        #expect(ProbeArguments.listen("127.0.0.1:8000")! == ("127.0.0.1", 8000))
        #expect(ProbeArguments.listen(":8000")! == ("0.0.0.0", 8000))
        #expect(ProbeArguments.listen("[::1]:9000")! == ("::1", 9000))
        #expect(ProbeArguments.listen("localhost:0")! == ("localhost", 0))
        for bad in ["8000", "127.0.0.1", "::1:80", "host:99999", "a b:80", "host:x"] {
            #expect(ProbeArguments.listen(bad) == nil, "\(bad)")
        }
    }
}
