import Foundation
import Testing

@testable import RegKit

@Suite("JSONValue parsing")
struct JSONValueTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

    func error(_ text: String) -> String? {
        do {
            _ = try JSONValue.parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("scalars, arrays, nested objects, whitespace")
    func values() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse(" false ") == .bool(false))
        #expect(try parse("\"x\"") == .string("x"))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([:]))
        #expect(
            try parse("[1, \"a\", null, [true], {\"k\": {}}]")
                == .array([.int(1), .string("a"), .null, .array([.bool(true)]), .object(["k": .object([:])])]))
        #expect(try parse("\t{ \"a\" :\r\n1 ,\"b\":[ ] }\n") == .object(["a": .int(1), "b": .array([])]))
        #expect(try parse(#"{"a":1,"a":2}"#) == .object(["a": .int(2)]))
    }

    @Test("numbers: integers in 64 bits, others as doubles")
    func numbers() throws {
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("42") == .int(42))
        #expect(try parse("-17") == .int(-17))
        #expect(try parse("9223372036854775807") == .int(.max))
        #expect(try parse("-9223372036854775808") == .int(.min))
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parse("-9223372036854775809") == .double(-9_223_372_036_854_775_809))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("1.0") == .double(1))
        #expect(try parse("-2.5e3") == .double(-2500))
        #expect(try parse("1E-2") == .double(0.01))
        #expect(try parse("1e+2") == .double(100))
        #expect(try parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
        #expect(try parse("1.0").intValue == 1)
    }

    @Test("strings: every escape, unicode, surrogate pairs, raw UTF-8")
    func strings() throws {
        #expect(try parse(#""a\"b\\c\/d\be\ff\ng\rh\ti""#) == .string("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti"))
        #expect(try parse(#""\u0041\u00e9\u4e2D""#) == .string("Aé中"))
        #expect(try parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try parse(#""x\ud83d\ude00y""#) == .string("x😀y"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse("\"café 😀 中\"") == .string("café 😀 中"))
        #expect(try parse(#""plain then \n escape""#) == .string("plain then \n escape"))
        #expect(try parse(#"{"k\u0065y":"v"}"#) == .object(["key": .string("v")]))
        #expect(try parse("\"\u{7f}\"") == .string("\u{7f}"))
    }

    @Test(
        "invalid JSON is rejected with what and where",
        arguments: [
            ("", "expected a value, found end of line at column 1"),
            ("{", "expected a key in double quotes, found end of line at column 2"),
            ("{\"a\"}", "expected ':' after key \"a\", found '}' at column 5"),
            ("{\"a\":1,}", "expected a key in double quotes, found '}' at column 8"),
            ("{\"a\":1 \"b\":2}", "expected ',' or '}' in an object, found '\"' at column 8"),
            ("{a:1}", "expected a key in double quotes, found 'a' at column 2"),
            ("{'a':1}", "expected a key in double quotes, found ''' at column 2"),
            ("[1,]", "expected a value, found ']' at column 4"),
            ("[1 2]", "expected ',' or ']' in an array, found '2' at column 4"),
            ("[1", "unterminated array: expected ',' or ']' at column 3"),
            ("{\"a\":1", "unterminated object: expected ',' or '}' at column 7"),
            ("\"abc", "unterminated string at column 1"),
            ("\"ab\\", "unterminated string at column 5"),
            ("\"a\tb\"", "control character U+0009 in a string; escape it at column 3"),
            ("\"a\\qb\"", "invalid escape \\q in a string at column 3"),
            ("\"\\u12\"", "\\u needs four hex digits at column 2"),
            ("\"\\u12G4\"", "\\u needs four hex digits at column 2"),
            ("\"\\uD800\"", "lone surrogate \\uD800 at column 2"),
            ("\"\\uD800\\u0041\"", "lone surrogate \\uD800 at column 2"),
            ("\"\\uDC00\"", "lone surrogate \\uDC00 at column 2"),
            ("01", "a number cannot start with 0 at column 1"),
            ("-", "expected a digit after '-', found end of line at column 2"),
            ("1.", "expected a digit after '.', found end of line at column 3"),
            (".5", "expected a value, found '.' at column 1"),
            ("1e", "expected a digit in the exponent, found end of line at column 3"),
            ("+1", "expected a value, found '+' at column 1"),
            ("1e999", "number 1e999 is out of range at column 1"),
            ("NaN", "expected a value, found 'N' at column 1"),
            ("tru", "expected a value, found 't' at column 1"),
            ("nulls", "unexpected 's' after the value at column 5"),
            ("{} {}", "unexpected '{' after the value at column 4"),
            ("// c\n{}", "expected a value, found '/' at column 1"),
        ])
    func rejects(text: String, message: String) {
        #expect(error(text) == message)
    }

    @Test("nesting is bounded rather than overflowing the stack")
    func depth() throws {
        #expect(try parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)) != .null)
        #expect(error(String(repeating: "[", count: 100_000))?.hasPrefix("nested deeper than 512 levels") == true)
    }

    @Test("agrees with JSONSerialization on the records the tools write")
    func agreesWithFoundation() throws {
        let lines = [
            #"{"registry":"http://127.0.0.1:5000","repo":"library/busybox","tag":"1.36","digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","size":1234,"platforms":["linux/amd64","linux/arm64/v8"],"created":"2024-05-01T12:00:00.123456789Z"}"#,
            #"{"a":{"b":[1,2.5,-3e2,true,false,null,"\u00e9\n"]},"empty":"","n":-0.0}"#,
        ]
        for line in lines {
            let ours = try parse(line)
            let theirs = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! NSDictionary
            let ourData = try JSONEncoder().encode(ours)
            let ourObject = try JSONSerialization.jsonObject(with: ourData) as! NSDictionary
            #expect(ourObject == theirs)
        }
    }

    @Test("Record reads through it, keeps the line byte for byte, and names what is wrong")
    func records() throws {
        let line = #"{ "repo" : "team/app", "tag":"1.0",  "x":[1]}"#
        let record = try Record(line: line)
        #expect(record.repo == "team/app")
        #expect(record.encoded() == line)
        #expect(throws: RecordError.notAnObject) { try Record(line: "[1]") }
        #expect(throws: RecordError.malformed(detail: "expected a value, found 'l' at column 8")) {
            try Record(line: #"{"tag":latest}"#)
        }
    }
}
