import Foundation
import Testing

@testable import RegKit

@Suite("SHA256")
struct SHA256Tests {
    static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    @Test("known vectors: the empty string and \"abc\" (FIPS 180-2)")
    func vectors() {
        #expect(SHA256().finish().hex == SHA256Tests.empty)
        let hasher = SHA256()
        hasher.update(Array("abc".utf8))
        #expect(hasher.finish().hex == SHA256Tests.abc)
        // The two-block vector from FIPS 180-2.
        let long = SHA256()
        long.update(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        #expect(long.finish().hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("feeding in pieces gives the digest of the whole")
    func incremental() {
        let hasher = SHA256()
        hasher.update(Array("a".utf8))
        hasher.update([UInt8]())
        hasher.update(Data("b".utf8))
        Array("c".utf8).withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finish().hex == SHA256Tests.abc)
    }

    @Test("a million 'a's (FIPS 180-2), fed in uneven chunks")
    func million() {
        let hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 7919)
        var left = 1_000_000
        while left > 0 {
            let n = min(left, chunk.count)
            hasher.update(chunk[0..<n])
            left -= n
        }
        #expect(hasher.finish().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("finish starts over: the hasher can be reused")
    func reuse() {
        let hasher = SHA256()
        hasher.update(Array("abc".utf8))
        #expect(hasher.finish().hex == SHA256Tests.abc)
        #expect(hasher.finish().hex == SHA256Tests.empty)
        hasher.update(Array("abc".utf8))
        #expect(hasher.finish().hex == SHA256Tests.abc)
    }

    @Test("DigestingSink hashes what passes through, counts it, and resets")
    func digestingSink() {
        let memory = MemorySink()
        let sink = DigestingSink(next: memory)
        for piece in ["a", "b", "c"] {
            let answer = Array(piece.utf8).withUnsafeBytes { sink.write($0) }
            #expect(answer == .accepted)
        }
        #expect(sink.count == 3)
        #expect(memory.data == Data("abc".utf8))
        sink.reset()
        #expect(sink.count == 0)
        #expect(memory.data.isEmpty)
        _ = Array("abc".utf8).withUnsafeBytes { sink.write($0) }
        #expect(sink.finish().hex == SHA256Tests.abc, "a reset forgets what came before")
    }

    @Test("DigestingSink passes a refusal of the next sink on")
    func refusal() {
        let sink = DigestingSink(next: MemorySink(limit: 2))
        #expect(Array("ab".utf8).withUnsafeBytes { sink.write($0) } == .accepted)
        #expect(Array("c".utf8).withUnsafeBytes { sink.write($0) } == .refused)
    }
}
