import Testing

@testable import RegKit

@Suite("Link header")
struct LinkHeaderTests {
    let catalog = "https://r.example/v2/_catalog?n=100"

    @Test("a relative path resolves against the requested origin")
    func relative() {
        #expect(
            LinkHeader.next([#"</v2/_catalog?last=b&n=100>; rel="next""#], requestURL: catalog)
                == "https://r.example/v2/_catalog?last=b&n=100")
        #expect(
            LinkHeader.next([#"</v2/a/tags/list?last=x&n=2>; rel="next""#], requestURL: "http://127.0.0.1:5000/v2/a/tags/list")
                == "http://127.0.0.1:5000/v2/a/tags/list?last=x&n=2")
    }

    @Test("a path without a leading slash, or a query alone, resolves as in RFC 3986")
    func relativeForms() {
        #expect(
            LinkHeader.next([#"<list?last=x>; rel="next""#], requestURL: "https://r.example/v2/a/tags/list?n=2")
                == "https://r.example/v2/a/tags/list?last=x")
        #expect(
            LinkHeader.next([#"<?last=x>; rel="next""#], requestURL: "https://r.example/v2/a/tags/list?n=2")
                == "https://r.example/v2/a/tags/list?last=x")
    }

    @Test("an absolute URL is kept as it is, even on another host")
    func absolute() {
        #expect(
            LinkHeader.next([#"<https://mirror.example:8443/v2/_catalog?last=b>; rel="next""#], requestURL: catalog)
                == "https://mirror.example:8443/v2/_catalog?last=b")
    }

    @Test("several links in one value, with commas inside the URL")
    func several() {
        let value =
            #"</v2/_catalog?last=a,b&n=1>; rel="prev", </v2/_catalog?last=c,d&n=1>; rel="next", </v2/_catalog>; rel="first""#
        #expect(LinkHeader.next([value], requestURL: catalog) == "https://r.example/v2/_catalog?last=c,d&n=1")
    }

    @Test("several Link header fields: the one with rel=next counts")
    func severalFields() {
        let values = [#"</v2/_catalog?p=0>; rel="prev""#, #"</v2/_catalog?p=2>; rel="next""#]
        #expect(LinkHeader.next(values, requestURL: catalog) == "https://r.example/v2/_catalog?p=2")
    }

    @Test("rel with several values, unquoted, upper case, other parameters first")
    func relForms() {
        #expect(LinkHeader.next([#"</p2>; rel="prev next""#], requestURL: catalog) == "https://r.example/p2")
        #expect(LinkHeader.next([#"</p2>; rel="next last""#], requestURL: catalog) == "https://r.example/p2")
        #expect(LinkHeader.next(["</p2>; rel=next"], requestURL: catalog) == "https://r.example/p2")
        #expect(LinkHeader.next([#"</p2>; REL="NEXT""#], requestURL: catalog) == "https://r.example/p2")
        #expect(LinkHeader.next([#"</p2>; type="application/json"; rel="next""#], requestURL: catalog) == "https://r.example/p2")
        #expect(LinkHeader.next([#"</p2>;rel="next""#], requestURL: catalog) == "https://r.example/p2")
        #expect(LinkHeader.next([#"</p2>; rel = "next""#], requestURL: catalog) == "https://r.example/p2")
        #expect(LinkHeader.next(["</p2> ; rel =next"], requestURL: catalog) == "https://r.example/p2")
    }

    @Test("no next page: no header, other relations, a rel that only contains 'next'")
    func none() {
        #expect(LinkHeader.next([], requestURL: catalog) == nil)
        #expect(LinkHeader.next([""], requestURL: catalog) == nil)
        #expect(LinkHeader.next([#"</v2/_catalog?p=0>; rel="prev""#], requestURL: catalog) == nil)
        #expect(LinkHeader.next([#"</v2/_catalog?p=0>; rel="nextpage""#], requestURL: catalog) == nil)
        #expect(LinkHeader.next(["</v2/_catalog?p=0>"], requestURL: catalog) == nil)
        #expect(LinkHeader.next([#"/v2/_catalog?p=0; rel="next""#], requestURL: catalog) == nil)
    }

    @Test("resolve: upload locations, relative or absolute")
    func resolve() {
        #expect(
            LinkHeader.resolve("/v2/a/blobs/uploads/u1?_state=s", against: "http://127.0.0.1:5000/v2/")
                == "http://127.0.0.1:5000/v2/a/blobs/uploads/u1?_state=s")
        #expect(
            LinkHeader.resolve("https://storage.example/up?x=1", against: "http://127.0.0.1:5000/v2/")
                == "https://storage.example/up?x=1")
    }
}
