import Foundation
@testable import JuesuanWeb
import Testing

@Suite("web: page models reflected once")
struct ModelBoxTests {
    struct Row { var name: String; var count: Int; var note: String?; var flag: Bool }
    struct Model { var title: String; var rows: [Row]; var missing: String?; var nested: Row? }

    @Test("a model becomes dictionaries and arrays; nil fields are left out; the page renders the same")
    func boxes() throws {
        let model = Model(title: "标题 <b>", rows: [Row(name: "甲 & 乙", count: 3, note: nil, flag: true), Row(name: "丙", count: 0, note: "注", flag: false)],
                          missing: nil, nested: Row(name: "内", count: 1, note: nil, flag: false))
        let boxed = try #require(ModelBox.box(model) as? [String: Any])
        #expect(boxed["title"] as? String == "标题 <b>")
        #expect(boxed["missing"] == nil)
        let rows = try #require(boxed["rows"] as? [Any])
        let first = try #require(rows.first as? [String: Any])
        #expect(first["count"] as? Int == 3)
        #expect(first["note"] == nil)
        #expect(first["flag"] as? Bool == true)
        #expect((boxed["nested"] as? [String: Any])?["name"] as? String == "内")
        // Every page template renders a model the same boxed or not.
        let template = try MustacheTemplateCheck.render("{{title}}|{{#rows}}{{name}}={{count}}{{#note}}({{.}}){{/note}}{{^flag}}!{{/flag}}{{title}};{{/rows}}{{#nested}}{{name}}{{/nested}}{{^missing}}无{{/missing}}", model)
        #expect(template.boxed == template.plain)
        #expect(template.boxed == "标题 &lt;b&gt;|甲 &amp; 乙=3标题 &lt;b&gt;;丙=0(注)!标题 &lt;b&gt;;内无")
    }
}

import Mustache

enum MustacheTemplateCheck {
    static func render(_ text: String, _ model: Any) throws -> (boxed: String, plain: String) {
        let template = try MustacheTemplate(string: text)
        return (template.render(ModelBox.box(model)), template.render(model))
    }
}
