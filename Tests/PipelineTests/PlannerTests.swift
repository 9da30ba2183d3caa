import Events
import Foundation
import Ledger
@testable import Pipeline
import Testing

@Suite("Idempotency keys")
struct IdempotencyKeyTests {
    @Test func keysAreHexSHA256AndDependOnEveryPartAndItsBoundaries() {
        let key = IdempotencyKey(["kind": "copy", "sku": "A"]).value
        #expect(key.count == 64 && key.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(key == IdempotencyKey(["kind": "copy", "sku": "A"]).value)
        #expect(key != IdempotencyKey(["kind": "copy", "sku": "B"]).value)
        // Length prefixes: moving a character across a boundary changes the key.
        #expect(IdempotencyKey(["a": "bc", "d": "e"]).value != IdempotencyKey(["a": "b", "cd": "e"]).value)
    }

    @Test func keysStayTheSameAcrossVersions() {
        // Recorded keys must be found again by replays: this value is SHA-256 over
        // "4:kind4:copy3:sku6:MUG-016:locale5:de_DE4:note10:Käse 🧀" (lengths in UTF-8 bytes), computed independently.
        let key = IdempotencyKey(["kind": "copy", "sku": "MUG-01", "locale": "de_DE", "note": "Käse 🧀"]).value
        #expect(key == "347de7d9cf3b14d9ac26f4140e83c5cdc5f93c29cb9ccd90675e110574f18b61")
    }

    @Test func integerPartsHashLikeTheirDecimalText() {
        var preimage = IdempotencyKey.Preimage()
        preimage.append("n", -42)
        preimage.append("m", 1_234_567_890_123)
        // SHA-256 over "1:n3:-421:m13:1234567890123", computed independently.
        #expect(preimage.key.value == "830ddbdb3b2fff929233de09f31dee086a03f89c2a9073bc31c245105346f676")
        #expect(preimage.key == IdempotencyKey(["n": "-42", "m": "1234567890123"]))
    }

    @Test func aProductsKeysStayTheSameAcrossVersions() {
        // Computed independently (Python hashlib) from the parts in the order the planner has always used:
        // recipe, kind, variant, sku, source, prompt-template, size, revision for images; recipe, kind, locale, sku,
        // prompt-template, revision for copy. A replay finds recorded commands only while these hold.
        let keys = Planner().keys(for: PlannerTests.listed(revision: 12))
        #expect(keys.count == 5)
        #expect(keys.first == "aa3f42cd0addabb138b17acc813b97fff9d1f86ba08de329a1dbc2d950a4a021")
        #expect(keys.last == "fe45078f64ffcdde15cd34a1e18e1a49b0727cbff64afa52399a84b82c8cad86")
        #expect(keys == Planner().commands(for: PlannerTests.listed(revision: 12)).map(\.key))
    }

    @Test func signingParametersDoNotChangeTheSourceReference() {
        let ossA = "https://b.oss-cn-hangzhou.aliyuncs.com/p/mug.png?Expires=1&OSSAccessKeyId=AK&Signature=s1"
        let ossB = "https://B.oss-cn-hangzhou.aliyuncs.com/p/mug.png?OSSAccessKeyId=AK&Expires=2&Signature=s2#x"
        #expect(SourceImageReference.normalize(ossA) == "https://b.oss-cn-hangzhou.aliyuncs.com/p/mug.png")
        #expect(SourceImageReference.normalize(ossA) == SourceImageReference.normalize(ossB))
        let s3 = "https://s3.example/b/k.png?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc&x-oss-process=1&security-token=t"
        #expect(SourceImageReference.normalize(s3) == "https://s3.example/b/k.png")
        // A parameter that changes the image is kept.
        #expect(SourceImageReference.normalize("https://cdn.example/i.png?w=800&Signature=x") == "https://cdn.example/i.png?w=800")
    }

    @Test func plainURLsSkipParsingAndNormalizeAsParsedOnes() {
        let plain = [
            "http://127.0.0.1:8090/samples/mug.png", "https://cdn.example/p/MUG-1_white~2.png",
            "https://b.oss-cn-hangzhou.aliyuncs.com/p/mug%20white%2F.png", "http://h", "http://h/",
            "https://h:65535/a//b/./c",
            "https://xn--fiqs8s.example/a.png",
        ]
        for url in plain {
            #expect(SourceImageReference.isPlainLowercaseURL(url), "\(url)")
            #expect(SourceImageReference.normalizedByComponents(url) == url, "\(url)")
            #expect(SourceImageReference.normalize(url) == url, "\(url)")
        }
        // Everything else is parsed: it may change, or need a closer look.
        let parsed = [
            "HTTPS://cdn.example/a.png", "https://CDN.example/a.png", "https://cdn.example/a.png?w=1",
            "https://cdn.example/a.png#top", "https://cdn.example/a b.png", "https://cdn.example/%2f.png",
            "https://cdn.example/%2.png", "https://h:080/a.png", "https://h:65536/a.png", "https://h:/a.png",
            "ftp://cdn.example/a.png", "https://user@cdn.example/a.png", "https://cdn.example/茶.png",
            "https:///a.png",
            "https://cdn.example/a;b.png",
        ]
        for url in parsed {
            #expect(!SourceImageReference.isPlainLowercaseURL(url), "\(url)")
            #expect(SourceImageReference.normalize(url) == SourceImageReference.normalizedByComponents(url), "\(url)")
        }
        #expect(SourceImageReference.normalize("HTTPS://CDN.example/a.png#top") == "https://cdn.example/a.png")
    }
}

@Suite("Planner")
struct PlannerTests {
    @Test func promptTemplatesAreFilledInOnePass() {
        let values = ["title": "Mug {brand}", "brand": "Acme", "category": ""]
        #expect(Planner.fill("{title} by {brand}{category}.", values) == "Mug {brand} by Acme.")
        #expect(Planner.fill("{unknown} {title", values) == "{unknown} {title")
        #expect(Planner.fill("{{brand}}", values) == "{Acme}")
        #expect(Planner.fill("", values) == "")
        #expect(Planner.fill("茶杯 {brand} 🍵", values) == "茶杯 Acme 🍵")
    }

    static func listed(
        id: String = "e-1", sku: String = "MUG-1", url: String = "https://cdn.example/mug.png?Signature=a",
        languages: [String] = ["en", "de"], assets: [AssetKind]? = nil, revision: Int = 0
    ) -> CloudEvent<ProductListed> {
        CloudEvent(
            id: id, source: "urn:shop", type: .productListed, time: Timestamp(Date(timeIntervalSince1970: 0)),
            data: ProductListed(
                sku: sku, title: "Mug", sourceImageUrl: url, languages: languages, assets: assets, revision: revision))
    }

    static func promoted(id: String = "p-1", sku: String = "MUG-1", scene: String? = nil) -> CloudEvent<SKUPromoted> {
        CloudEvent(
            id: id, source: "urn:shop", type: .skuPromoted, time: Timestamp(Date(timeIntervalSince1970: 0)),
            data: SKUPromoted(sku: sku, sceneImageUrl: scene))
    }

    @Test func aProductBecomesThreeStyledImagesAndCopyPerLanguage() throws {
        let commands = Planner().commands(for: Self.listed())
        #expect(commands.map(\.kind) == [.marketingImage, .marketingImage, .marketingImage, .copy, .copy])
        #expect(commands.compactMap(\.variant) == ["studio", "lifestyle", "festive"])
        #expect(commands.compactMap(\.locale) == ["en", "de"])
        #expect(commands.map(\.role) == ["scene-image", nil, nil, nil, nil])
        #expect(Set(commands.map(\.key)).count == 5)
        guard case .marketingImage(let image) = try CommandSpecification.decode(commands[0].specification) else {
            Issue.record("the first command is not an image")
            return
        }
        #expect(image.prompt.contains("Mug") && image.sourceImageURL.hasSuffix("Signature=a"))
    }

    @Test func theSameWorkHasTheSameKeysWhateverTheEventIdOrSignature() {
        let first = Planner().commands(for: Self.listed(id: "e-1", url: "https://cdn.example/mug.png?Signature=a"))
        let again = Planner().commands(for: Self.listed(id: "e-2", url: "https://cdn.example/mug.png?Signature=b"))
        #expect(first.map(\.key) == again.map(\.key))
        let fresh = Planner().commands(for: Self.listed(revision: 1))
        #expect(Set(first.map(\.key)).isDisjoint(with: fresh.map(\.key)))
        let otherPhoto = Planner().commands(for: Self.listed(url: "https://cdn.example/mug-2.png"))
        #expect(first.prefix(3).map(\.key) != otherPhoto.prefix(3).map(\.key))
        #expect(first.suffix(2).map(\.key) == otherPhoto.suffix(2).map(\.key), "copy does not depend on the photo")
        var recipe = Recipe()
        recipe.promptTemplateVersion = 2
        #expect(Set(first.map(\.key)).isDisjoint(with: Planner(recipe: recipe).commands(for: Self.listed()).map(\.key)))
    }

    @Test func assetsLimitTheKinds() {
        let commands = Planner().commands(for: Self.listed(assets: [.copy]))
        #expect(commands.map(\.kind) == [.copy, .copy])
    }

    @Test func aPromotionUsesItsSceneImageOrTheGeneratedOneOrWaits() throws {
        let planner = Planner(sceneImageWait: .seconds(60))
        let now = Date(timeIntervalSince1970: 1000)
        let given = planner.command(for: Self.promoted(scene: "https://cdn.example/s.png?Expires=9"), scene: nil, now: now)
        #expect(given.kind == .video && given.dependsOn == nil && given.variant == "promo-9x16-5s")

        let scene = String(repeating: "a", count: 64)
        let generated = planner.command(for: Self.promoted(), scene: scene, now: now)
        #expect(generated.dependsOn == scene && generated.key != given.key)

        let waiting = planner.command(for: Self.promoted(), scene: nil, now: now)
        guard case .awaitingSceneImage(let spec) = try CommandSpecification.decode(waiting.specification) else {
            Issue.record("no waiting command")
            return
        }
        #expect(spec.deadline == now.addingTimeInterval(60))
        // Once resolved, the waiting promotion becomes exactly the command a replay would plan.
        let resolved = planner.resolve(spec, sku: "MUG-1", scene: scene, sourceEvent: waiting.sourceEvent)
        #expect(resolved.key == generated.key && resolved.key != waiting.key)
    }
}

@Suite("URL redaction")
struct URLRedactionTests {
    @Test func queriesOfURLsAreRemovedAndTheRestIsKept() {
        let text = "cannot download input https://b.oss.example/k.png?OSSAccessKeyId=AK&Signature=zz: 403 (HTTP x)"
        // A URL runs to the next space or quote, so punctuation glued to it goes with its query.
        #expect(URLRedaction.redact(text) == "cannot download input https://b.oss.example/k.png?<redacted> 403 (HTTP x)")
        #expect(URLRedaction.redact("no urls, just http talk") == "no urls, just http talk")
        #expect(URLRedaction.redact("\"http://a/b#frag\" and http://c/d") == "\"http://a/b?<redacted>\" and http://c/d")
    }
}
