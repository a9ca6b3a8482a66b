import Testing

@testable import RegKit

@Suite("AuthChallenge parsing")
struct AuthChallengeTests {
    @Test("Basic with a realm")
    func basic() throws {
        let challenges = AuthChallenge.parse(#"Basic realm="Registry Realm""#)
        #expect(challenges == [AuthChallenge(scheme: .basic, parameters: ["realm": "Registry Realm"])])
        #expect(challenges.first?.realm == "Registry Realm")
        #expect(challenges.first?.service == nil)
    }

    @Test("Bearer with realm, service and scope")
    func bearer() throws {
        let header = #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/app:pull""#
        let challenge = try #require(AuthChallenge.parse(header).first)
        #expect(challenge.scheme == .bearer)
        #expect(challenge.realm == "https://auth.example/token")
        #expect(challenge.service == "registry.example")
        #expect(challenge.scope == "repository:team/app:pull")
        #expect(challenge.parameters.count == 3)
    }

    @Test("commas inside a quoted scope do not split it")
    func quotedCommas() throws {
        let header = #"Bearer realm="http://127.0.0.1:1/token",scope="repository:a:pull,push",service="svc""#
        let challenges = AuthChallenge.parse(header)
        #expect(challenges.count == 1)
        #expect(challenges.first?.scope == "repository:a:pull,push")
        #expect(challenges.first?.service == "svc")
        #expect(challenges.first?.realm == "http://127.0.0.1:1/token")
    }

    @Test("several challenges in one header, in order")
    func several() throws {
        let header = #"Basic realm="basic-realm", Bearer realm="https://a/token",service="s",scope="repository:x:pull,push""#
        let challenges = AuthChallenge.parse(header)
        #expect(challenges.map(\.scheme) == [.basic, .bearer])
        #expect(challenges[0].parameters == ["realm": "basic-realm"])
        #expect(challenges[1].parameters == ["realm": "https://a/token", "service": "s", "scope": "repository:x:pull,push"])
    }

    @Test("unknown schemes are skipped, with or without parameters")
    func unknownSchemes() {
        let header = #"Negotiate, Digest realm="d", nonce="n", Basic realm="b""#
        let challenges = AuthChallenge.parse(header)
        #expect(challenges == [AuthChallenge(scheme: .basic, parameters: ["realm": "b"])])
        #expect(AuthChallenge.parse("Negotiate").isEmpty)
        #expect(AuthChallenge.parse("").isEmpty)
        #expect(AuthChallenge.parse("   ,  ").isEmpty)
    }

    @Test("odd spacing and casing: schemes and parameter names are case-insensitive")
    func spacingAndCasing() throws {
        let header = "  bEARER   Realm = \"https://a/token\" ,\tSERVICE=\"svc\"  ,  Scope=\"repository:b:pull\"  "
        let challenge = try #require(AuthChallenge.parse(header).first)
        #expect(challenge.scheme == .bearer)
        #expect(challenge.realm == "https://a/token")
        #expect(challenge.service == "svc")
        #expect(challenge.scope == "repository:b:pull")
        #expect(AuthChallenge.parse(#"BASIC REALM="x""#).first == AuthChallenge(scheme: .basic, parameters: ["realm": "x"]))
    }

    @Test("unquoted values and values with escaped quotes")
    func tokensAndEscapes() throws {
        let unquoted = try #require(AuthChallenge.parse("Bearer realm=https://a/token,service=svc").first)
        #expect(unquoted.realm == "https://a/token")
        #expect(unquoted.service == "svc")
        let escaped = try #require(AuthChallenge.parse(#"Basic realm="say \"hi\"""#).first)
        #expect(escaped.realm == #"say "hi""#)
    }

    @Test("a Bearer error challenge keeps its extra parameters")
    func errorParameters() throws {
        let header = #"Bearer realm="r",service="s",scope="repository:a:push",error="insufficient_scope""#
        let challenge = try #require(AuthChallenge.parse(header).first)
        #expect(challenge.parameters["error"] == "insufficient_scope")
        #expect(challenge.scope == "repository:a:push")
    }

    @Test("a scheme without parameters still counts")
    func bare() {
        #expect(AuthChallenge.parse("Basic") == [AuthChallenge(scheme: .basic, parameters: [:])])
    }
}
