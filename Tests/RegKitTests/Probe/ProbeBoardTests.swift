import Foundation
import Testing

@testable import RegKit

/// `/status` and `/health` as functions of what the cycles left and the time asked: no clock, no server.
@Suite("ProbeBoard")
struct ProbeBoardTests {
    let a = try! RegistryAddress("http://127.0.0.1:5000")
    let b = try! RegistryAddress("registry.example")
    let t0 = Timestamp(seconds: 1_700_000_000)

    func board() -> ProbeBoard {
        ProbeBoard(settings: ProbeSettings(registries: [a, b], repo: "monitor/probe", interval: 60, timeout: 10), at: t0)
    }

    func result(_ registry: RegistryAddress, at seconds: Int64, failing phase: ProbePhase? = nil) -> ProbeResult {
        var result = ProbeResult(
            registry: registry, repo: "monitor/probe", tag: "probe-\(seconds)", started: t0.adding(seconds: Double(seconds)))
        result.ended = t0.adding(seconds: Double(seconds + 1))
        if let phase { result.failure = (phase, "\(phase) broke") }
        return result
    }

    func body(_ report: ProbeBoard.Report?) throws -> [String: Any] {
        let text = try #require(report?.body)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func entry(_ report: ProbeBoard.Report?, _ registry: RegistryAddress) throws -> [String: Any] {
        let entries = try #require(try body(report)["registries"] as? [[String: Any]])
        return try #require(entries.first { $0["registry"] as? String == registry.written })
    }

    @Test("before any cycle ends: not ok, 'no cycle has ended yet' since the start")
    func nothingYet() throws {
        let status = board().status(at: t0.adding(seconds: 5))
        #expect(status?.ok == false)
        #expect(try entry(status, a)["error"] as? String == "no cycle has ended yet")
        #expect(try entry(status, a)["since"] as? String == t0.description)
    }

    @Test("every registry's last cycle succeeded and is recent: ok; one failing: not ok, naming it, its phase and since when")
    func failing() throws {
        let board = board()
        board.cycleEnded(result(a, at: 0))
        board.cycleEnded(result(b, at: 0))
        #expect(board.status(at: t0.adding(seconds: 30))?.ok == true)
        board.cycleEnded(result(b, at: 60, failing: .pull))
        board.cycleEnded(result(b, at: 120, failing: .push))
        board.cycleEnded(result(a, at: 120))
        let status = board.status(at: t0.adding(seconds: 125))
        #expect(status?.ok == false)
        let failing = try entry(status, b)
        #expect(failing["ok"] as? Bool == false)
        #expect(failing["phase"] as? String == "push")
        #expect(failing["error"] as? String == "push broke")
        #expect(failing["since"] as? String == t0.adding(seconds: 60).description, "the first failure of the run")
        #expect(try entry(status, a)["ok"] as? Bool == true)
        #expect(board.status(registry: a.written, at: t0.adding(seconds: 30))?.ok == true)
        #expect(board.status(registry: "registry.example", at: t0.adding(seconds: 125))?.ok == false)
        #expect(board.status(registry: "other.example") == nil)
        board.cycleEnded(result(b, at: 180))
        #expect(try entry(board.status(at: t0.adding(seconds: 185)), b)["ok"] as? Bool == true)
    }

    @Test("a last success older than two intervals is not ok: the probe is behind")
    func stale() throws {
        let board = board()
        board.cycleEnded(result(a, at: 0))
        board.cycleEnded(result(b, at: 100))
        #expect(board.status(at: t0.adding(seconds: 120))?.ok == true)
        let late = board.status(at: t0.adding(seconds: 122))
        #expect(late?.ok == false)
        #expect((try entry(late, a)["error"] as? String)?.contains("more than two intervals") == true)
        #expect(try entry(late, b)["ok"] as? Bool == true)
    }

    @Test("/health: ok while loops start and end cycles; a loop silent past interval + every phase at --timeout + 5 s is stuck")
    func health() throws {
        let board = board()
        // interval 60 + (4 phases + 1) * 10 + 5 = 115 s
        #expect(board.health(at: t0.adding(seconds: 115)).ok)
        #expect(!board.health(at: t0.adding(seconds: 116)).ok)
        board.cycleStarted(a, at: t0.adding(seconds: 100))
        board.cycleEnded(result(b, at: 100, failing: .push))
        let report = board.health(at: t0.adding(seconds: 200))
        #expect(report.ok, "a failing registry is no stuck loop")
        let stuck = board.health(at: t0.adding(seconds: 300))
        #expect(!stuck.ok)
        #expect(try body(stuck)["stuck"] as? [String] == [a.written, b.written])
    }
}
