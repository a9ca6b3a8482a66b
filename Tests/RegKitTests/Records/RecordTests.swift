import Foundation
import Testing

@testable import RegKit

@Suite("Record")
struct RecordTests {
    @Test("an unchanged record is written back byte for byte")
    func unchangedByteForByte() throws {
        for line in [
            #"{"repo":"library\/busybox",  "registry" : "r.example","zeta":1.50,"alpha":[1, 2]}"#,
            #"{"registry":"r","n":1e3,"s":"caf\u00e9","u":"ünïcödé"}"#,
            "{}",
            " {\"registry\":\"r\"} ",
        ] {
            let record = try Record(line: line)
            #expect(record.encoded() == line)
        }
    }

    @Test("unknown fields pass through a change, nested values included")
    func unknownFieldsPassThrough() throws {
        var record = try Record(
            line:
                #"{"registry":"r.example","repo":"team/app","note":"keep me","meta":{"by":"jq","n":[1,{"z":null,"a":true}]},"size":12}"#
        )
        record.status = "copied"
        #expect(record.fields["note"] == .string("keep me"))
        let reread = try Record(line: record.encoded())
        #expect(reread.fields["note"] == .string("keep me"))
        #expect(reread.fields["meta"] == record.fields["meta"])
        #expect(reread.status == "copied")
        #expect(reread == record)
    }

    @Test("a changed record is written with sorted keys and unescaped slashes")
    func changedEncoding() throws {
        var record = try Record(
            line: #"{"zeta":"z","repo":"library\/alpine","registry":"http://127.0.0.1:5000","meta":{"b":1,"a":2}}"#)
        record.tag = "3.20"
        #expect(
            record.encoded()
                == #"{"meta":{"a":2,"b":1},"registry":"http://127.0.0.1:5000","repo":"library/alpine","tag":"3.20","zeta":"z"}"#)
        #expect(!record.encoded().contains("\n"), "one line, no pretty printing")
    }

    @Test("numbers keep their kind: integers stay integers")
    func numbers() throws {
        var record = try Record(line: #"{"size":1234567890123,"ratio":0.25,"neg":-3}"#)
        record.status = "x"
        #expect(record.encoded() == #"{"neg":-3,"ratio":0.25,"size":1234567890123,"status":"x"}"#)
    }

    @Test("a record built from fields encodes sorted")
    func fromFields() {
        var record = Record()
        record.repo = "a/b"
        record.registry = "r"
        record.size = 7
        record.platforms = ["linux/amd64", "linux/arm64/v8"]
        #expect(record.encoded() == #"{"platforms":["linux/amd64","linux/arm64/v8"],"registry":"r","repo":"a/b","size":7}"#)
        #expect(Record().encoded() == "{}")
    }

    @Test(
        "malformed lines are RecordError.malformed",
        arguments: ["", "{", #"{"a":}"#, #"{"a":1,}"#, "{'a':1}", #"{"a":1} x"#, "not json", #"{"a":"\u12"}"#])
    func malformed(_ line: String) {
        let error = #expect(throws: RecordError.self) { try Record(line: line) }
        guard case .malformed(let detail) = error else {
            Issue.record("expected .malformed for \(line), got \(String(describing: error))")
            return
        }
        #expect(!detail.isEmpty)
        #expect(error?.description.hasPrefix("not valid JSON") == true)
    }

    @Test("JSON that is not an object is RecordError.notAnObject", arguments: ["[]", "[{}]", "42", #""x""#, "null", "true"])
    func notAnObject(_ line: String) {
        #expect(throws: RecordError.notAnObject) { try Record(line: line) }
    }

    @Test("typed accessors read the fields of the design")
    func accessors() throws {
        let record = try Record(
            line: """
                {"registry":"http://h:1","repo":"a/b","tag":"t","digest":"sha256:00","mediaType":"m","size":42,\
                "platforms":["linux/amd64",3,"linux/arm64"],"platform":"linux/amd64","created":"2024-05-01T12:00:00Z",\
                "error":"boom","status":"deleted"}
                """)
        #expect(record.registry == "http://h:1")
        #expect(record.repo == "a/b")
        #expect(record.tag == "t")
        #expect(record.digest == "sha256:00")
        #expect(record.mediaType == "m")
        #expect(record.size == 42)
        #expect(record.platforms == ["linux/amd64", "linux/arm64"], "non-strings are skipped")
        #expect(record.platform == "linux/amd64")
        #expect(record.created == "2024-05-01T12:00:00Z")
        #expect(record.error == "boom")
        #expect(record.status == "deleted")
        #expect(record.displayName == "http://h:1/a/b:t")
    }

    @Test("accessors of the wrong type read as nil; a whole double reads as a size")
    func accessorTypes() throws {
        let record = try Record(line: #"{"registry":5,"tag":null,"size":"12","platforms":"linux/amd64"}"#)
        #expect(record.registry == nil)
        #expect(record.tag == nil)
        #expect(record.size == nil)
        #expect(record.platforms == nil)
        #expect(try Record(line: #"{"size":12.0}"#).size == 12)
        #expect(try Record(line: #"{"size":12.5}"#).size == nil)
    }

    @Test("setting an accessor to nil removes the field")
    func removal() throws {
        var record = try Record(line: #"{"registry":"r","tag":"t","error":"e"}"#)
        record.error = nil
        record.tag = nil
        #expect(record.fields.keys.sorted() == ["registry"])
        #expect(record.encoded() == #"{"registry":"r"}"#)
    }

    @Test("displayName falls back to the digest, and to ? without a registry")
    func displayName() {
        var record = Record()
        record.repo = "a"
        record.digest = "sha256:ab"
        #expect(record.displayName == "?/a@sha256:ab")
    }

    @Test("equality is by fields, not by how the line was written")
    func equality() throws {
        let a = try Record(line: #"{"a":1,"b":"x"}"#)
        let b = try Record(line: #"{ "b" : "x", "a" : 1 }"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != (try Record(line: #"{"a":2,"b":"x"}"#)))
    }

    @Test("a record for a command-line reference, and the fields a tool needs")
    func reference() throws {
        let hex = String(repeating: "a", count: 64)
        let record = Record(reference: try ImageReference(parsing: "http://127.0.0.1:5000/team/app@sha256:" + hex))
        #expect(record.encoded() == #"{"digest":"sha256:\#(hex)","registry":"http://127.0.0.1:5000","repo":"team/app"}"#)
        #expect(try record.registryAddress().written == "http://127.0.0.1:5000")
        #expect(try record.repository() == "team/app")

        let bare = Record(reference: try ImageReference(parsing: "r.example"))
        #expect(bare.encoded() == #"{"registry":"r.example"}"#)
        #expect(throws: RecordFieldError.self) { try bare.repository() }
        #expect(throws: RecordFieldError.self) { try Record().registryAddress() }
        #expect(throws: ReferenceError.invalidRegistry("a b")) { try Record(["registry": .string("a b")]).registryAddress() }
        let missing = #expect(throws: RecordFieldError.self) { try bare.repository() }
        #expect(missing?.description.contains("r.example") == true)
        #expect(missing?.description.contains("repo") == true)
    }

    @Test("a one-segment repository written by hand for Docker Hub is its official image; elsewhere it stays")
    func dockerHubLibrary() throws {
        for hub in ["docker.io", "index.docker.io", "registry-1.docker.io"] {
            let record = try Record(line: #"{"registry":"\#(hub)","repo":"alpine"}"#)
            #expect(try record.repository() == "library/alpine", "\(hub)")
            #expect(record.encoded().contains(#""repo":"alpine""#), "the record keeps what was written")
        }
        #expect(try Record(line: #"{"registry":"docker.io","repo":"team/app"}"#).repository() == "team/app")
        #expect(try Record(line: #"{"registry":"127.0.0.1:5000","repo":"alpine"}"#).repository() == "alpine")
    }
}
