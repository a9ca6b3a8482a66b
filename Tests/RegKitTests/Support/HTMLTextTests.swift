import Foundation
import Testing

@testable import RegKit

@Suite("HTMLText")
struct HTMLTextTests {
    @Test("an error page's title, entities decoded and white space collapsed")
    func title() {
        let page = """
            <!DOCTYPE html>
            <HTML><head><TITLE class="x">
              503 Service &amp; Registry &#8212; &quot;down&quot;
            </TITLE></head><body><h1>Oops</h1></body></HTML>
            """
        #expect(HTMLText(Data(page.utf8))?.title == "503 Service & Registry \u{2014} \"down\"")
    }

    @Test("markup without a title, or with an empty one, has none; a body that is not markup is not HTML")
    func noTitle() {
        #expect(HTMLText(Data("  <html><body>bad gateway</body></html>".utf8))?.title == nil)
        #expect(HTMLText(Data("<html><title> </title></html>".utf8))?.title == nil)
        #expect(HTMLText(Data("<html><title>unterminated".utf8))?.title == nil)
        #expect(HTMLText(Data("upstream connect error".utf8)) == nil)
        #expect(HTMLText(Data(#"{"errors":[]}"#.utf8)) == nil)
    }

    @Test("unknown or broken entities are kept as they are")
    func entities() {
        #expect(HTMLText.decodeEntities("a &bogus; b & c &#xZZ; d &lt;") == "a &bogus; b & c &#xZZ; d <")
    }
}
