import Events
import Foundation
import Testing

@Suite("Decoding records")
struct EventDecoderTests {
    static let decoder = EventDecoder()

    static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func productListed(data: String, extra: String = "") -> [UInt8] {
        json(
            """
            {"specversion":"1.0","id":"e-1","source":"urn:shop:catalog","type":"product.listed",\
            "time":"2025-06-02T09:15:00Z",\(extra)"data":\(data)}
            """)
    }

    static let minimalProduct =
        #"{"sku":"MUG-1","title":"Mug","sourceImageUrl":"http://127.0.0.1:8090/samples/mug.png"}"#

    static let binaryHeaders = [
        RecordHeader(name: "ce_specversion", string: "1.0"),
        RecordHeader(name: "ce_id", string: "b-1"),
        RecordHeader(name: "ce_source", string: "urn:shop:catalog"),
        RecordHeader(name: "ce_type", string: "product.listed"),
        RecordHeader(name: "ce_time", string: "2025-06-02T09:15:00Z"),
    ]

    func decodeProduct(_ value: [UInt8], headers: [RecordHeader] = []) throws -> CloudEvent<ProductListed> {
        guard
            case .productListed(let event) = try Self.decoder.decode(value: value, headers: headers, as: .productListed)
        else { throw Unexpected() }
        return event
    }

    struct Unexpected: Error {}

    func error(_ value: [UInt8], headers: [RecordHeader] = [], as type: EventType = .productListed)
        -> EventValidationError?
    {
        #expect(throws: EventValidationError.self) {
            try Self.decoder.decode(value: value, headers: headers, as: type)
        }
    }

    // MARK: Defaults and forward compatibility

    @Test func productListedDefaults() throws {
        let event = try decodeProduct(Self.productListed(data: Self.minimalProduct))
        #expect(event.data.languages == ["en"])
        #expect(event.data.revision == 0)
        #expect(event.data.markets.isEmpty && event.data.attributes.isEmpty && event.data.assets == nil)
        #expect(event.dataSchema == nil && event.dataContentType == nil && event.subject == nil)
        #expect(event.reference == SourceEvent(id: "e-1", source: "urn:shop:catalog", type: "product.listed"))
    }

    @Test func skuPromotedDefaults() throws {
        let value = Self.json(
            #"{"specversion":"1.0","id":"p-1","source":"urn:s","type":"sku.promoted","time":"2025-06-02T09:15:00Z","data":{"sku":"A","video":{"prompt":"slow pan"}}}"#
        )
        guard case .skuPromoted(let event) = try Self.decoder.decode(value: value, headers: [], as: .skuPromoted) else {
            throw Unexpected()
        }
        #expect(event.data.video == SKUPromoted.Video(durationSeconds: 5, aspectRatio: .portrait, prompt: "slow pan"))
        #expect(event.data.revision == 0 && event.data.channels.isEmpty && event.data.roiRank == nil)

        let bare = Self.json(
            #"{"specversion":"1.0","id":"p-2","source":"urn:s","type":"sku.promoted","time":"2025-06-02T09:15:00Z","data":{"sku":"A"}}"#
        )
        guard case .skuPromoted(let minimal) = try Self.decoder.decode(value: bare, headers: [], as: .skuPromoted)
        else {
            throw Unexpected()
        }
        #expect(minimal.data.video == SKUPromoted.Video())
    }

    @Test func unknownMembersAndExtensionsAreIgnored() throws {
        let data =
            #"{"sku":"MUG-1","title":"Mug","sourceImageUrl":"https://x.example/m.png","gtin":"0401","nested":{"a":[1,{"b":null}]}}"#
        let event = try decodeProduct(Self.productListed(data: data, extra: #""traceparent":"00-ab","partnerid":7,"#))
        #expect(event.data.sku == "MUG-1")
    }

    @Test func integersMayBeWrittenWithAFraction() throws {
        let event = try decodeProduct(
            Self.productListed(data: #"{"sku":"A","title":"T","sourceImageUrl":"http://h/x","revision":3.0}"#))
        #expect(event.data.revision == 3)
        let exponent = try decodeProduct(
            Self.productListed(data: #"{"sku":"A","title":"T","sourceImageUrl":"http://h/x","revision":1e2}"#))
        #expect(exponent.data.revision == 100)
        #expect(
            error(Self.productListed(data: #"{"sku":"A","title":"T","sourceImageUrl":"http://h/x","revision":true}"#))?
                .path == "data.revision")
    }

    @Test func presentNullIsNotAbsent() {
        let failure = error(
            Self.productListed(data: #"{"sku":"A","title":"T","sourceImageUrl":"http://h/x","description":null}"#))
        #expect(failure?.description == "data.description: must be a string, got null")
    }

    @Test func lengthsCountCodePoints() throws {
        // 200 emoji: 200 code points, 800 UTF-8 bytes, 400 UTF-16 units.
        let title = String(repeating: "😀", count: 200)
        let event = try decodeProduct(
            Self.productListed(data: #"{"sku":"A","title":"\#(title)","sourceImageUrl":"http://h/x"}"#))
        #expect(event.data.title == title)
        let tooLong = error(
            Self.productListed(data: #"{"sku":"A","title":"\#(title)😀","sourceImageUrl":"http://h/x"}"#))
        #expect(tooLong?.description == "data.title: longer than 200 code points (201)")
    }

    @Test func uniqueItemsCompareCodePoints() throws {
        // "café" precomposed and decomposed are equal Swift strings but different JSON values.
        let value = Self.json(
            #"{"specversion":"1.0","id":"p-1","source":"urn:s","type":"sku.promoted","time":"2025-06-02T09:15:00Z","data":{"sku":"A","channels":["caf\u00e9","cafe\u0301"]}}"#
        )
        guard case .skuPromoted(let event) = try Self.decoder.decode(value: value, headers: [], as: .skuPromoted) else {
            throw Unexpected()
        }
        #expect(event.data.channels.count == 2)
        let repeated = Self.json(
            #"{"specversion":"1.0","id":"p-1","source":"urn:s","type":"sku.promoted","time":"2025-06-02T09:15:00Z","data":{"sku":"A","channels":["tiktok","homepage","tiktok"]}}"#
        )
        #expect(
            error(repeated, as: .skuPromoted)?.description == #"data.channels[2]: "tiktok" repeats an earlier item"#)
    }

    @Test func messagesNameFieldAndRule() {
        let failure = error(
            Self.productListed(
                data: #"{"sku":"A","title":"T","sourceImageUrl":"http://h/x","languages":["en","de","fr","xx_YY"]}"#))
        #expect(failure?.code == .schemaViolation)
        #expect(failure?.path == "data.languages[3]")
        #expect(
            failure?.description
                == #"data.languages[3]: "xx_YY" is not a BCP 47 language tag (e.g. en, pt-BR, zh-Hans, es-419)"#)
        #expect(failure?.code.deadLetterReason == .schemaViolation)
    }

    // MARK: Bindings

    @Test func binaryMode() throws {
        var headers = Self.binaryHeaders
        headers += [
            RecordHeader(name: "content-type", string: "application/json; charset=utf-8"),
            RecordHeader(name: "ce_subject", string: "MUG-1"),
            RecordHeader(name: "ce_partnerid", string: "p"),
            RecordHeader(name: "traceparent", value: [0xFF, 0x00]),  // not an attribute: ignored
        ]
        let event = try decodeProduct(Self.json(Self.minimalProduct), headers: headers)
        #expect(event.id == "b-1" && event.subject == "MUG-1")
        #expect(event.dataContentType == "application/json; charset=utf-8")
    }

    @Test func binaryModeErrorsNameTheHeader() {
        var headers = Self.binaryHeaders
        headers[4] = RecordHeader(name: "ce_time", string: "yesterday")
        #expect(error(Self.json(Self.minimalProduct), headers: headers)?.path == "ce_time")
        headers[4] = RecordHeader(name: "ce_time", value: [0xC3])
        #expect(error(Self.json(Self.minimalProduct), headers: headers)?.description == "ce_time: must be UTF-8 text")
        let notJSON = error(Self.json("{\"sku\":"), headers: Self.binaryHeaders)
        #expect(notJSON?.code == .invalidJSON && notJSON?.path == "data")
        let empty = error([], headers: Self.binaryHeaders)
        #expect(empty?.code == .invalidJSON)
    }

    @Test func repeatedHeadersTheLastCounts() throws {
        let headers = Self.binaryHeaders + [RecordHeader(name: "ce_id", string: "b-2")]
        #expect(try decodeProduct(Self.json(Self.minimalProduct), headers: headers).id == "b-2")
    }

    @Test func structuredModeNeedsItsContentType() throws {
        let value = Self.productListed(data: Self.minimalProduct)
        let ok = try decodeProduct(
            value, headers: [RecordHeader(name: "content-type", string: "application/cloudevents+json; charset=UTF-8")])
        #expect(ok.id == "e-1")
        let bad = error(value, headers: [RecordHeader(name: "content-type", string: "application/cloudevents+jsonx")])
        #expect(bad?.path == "content-type" && bad?.code == .schemaViolation)
        let batch = error(
            value, headers: [RecordHeader(name: "content-type", string: "application/cloudevents-batch+json")])
        #expect(batch?.code == .notCloudEvent && batch?.message.contains("batches") == true)
        // A plain JSON content type without ce_ headers is neither binding.
        let plain = error(value, headers: [RecordHeader(name: "content-type", string: "application/json")])
        #expect(plain?.code == .notCloudEvent)
    }

    @Test func headerlessValuesThatAreNotObjectsAreNotCloudEvents() {
        for value in [[], Self.json("[1,2,3]"), Self.json("\"text\""), [0xFF, 0xFE, 0x00, 0x42], Self.json("hello")] {
            let failure = error(value)
            #expect(failure?.code == .notCloudEvent, "\(value)")
            #expect(failure?.path == "value")
        }
        // An object that is not valid JSON: header-less structured mode, then invalid JSON.
        #expect(error(Self.json(" {\"specversion\": "))?.code == .invalidJSON)
    }

    // MARK: Envelope rules and dead-letter codes

    @Test func codesForEnvelopeProblems() {
        let data = Self.minimalProduct
        #expect(
            error(Self.productListed(data: data, extra: #""dataschema":"urn:assetforge:schema:product.listed:2","#))?
                .code == .unsupportedDataSchema)
        #expect(
            error(Self.productListed(data: data, extra: #""dataschema":"https://x/schema.json","#))?.code
                == .schemaViolation)
        let wrongVersion = Self.json(
            #"{"specversion":"0.3","id":"e","source":"urn:s","type":"product.listed","time":"2025-06-02T09:15:00Z","data":\#(data)}"#
        )
        #expect(error(wrongVersion)?.code == .unsupportedSpecVersion)
        #expect(error(Self.productListed(data: data), as: .skuPromoted)?.code == .unknownEventType)
        #expect(
            error(
                Self.json("[]"), headers: [RecordHeader(name: "content-type", string: "application/cloudevents+json")])?
                .code == .schemaViolation)
    }

    // MARK: Hostile input

    @Test func hostileJSONIsRejectedWithoutCrashing() {
        let cases: [(String, [UInt8])] = [
            ("deep nesting", Self.productListed(data: String(repeating: "[", count: 100_000))),
            ("duplicate member", Self.json(#"{"specversion":"1.0","specversion":"1.0"}"#)),
            ("lone surrogate", Self.productListed(data: #"{"sku":"\ud800"}"#)),
            ("control character", Self.productListed(data: "{\"sku\":\"a\u{1}\"}")),
            ("invalid UTF-8", Self.productListed(data: #"{"sku":""#) + [0xC3, 0x28] + Self.json(#""}"#)),
            ("trailing garbage", Self.productListed(data: Self.minimalProduct) + Self.json("x")),
            ("byte order mark", [0xEF, 0xBB, 0xBF] + Self.productListed(data: Self.minimalProduct)),
            ("NaN", Self.productListed(data: #"{"revision":NaN}"#)),
            ("leading zero", Self.productListed(data: #"{"revision":01}"#)),
            ("bad escape", Self.productListed(data: #"{"sku":"\x41"}"#)),
            ("truncated", Array(Self.productListed(data: Self.minimalProduct).dropLast())),
        ]
        for (name, value) in cases {
            let failure = error(
                value, headers: [RecordHeader(name: "content-type", string: "application/cloudevents+json")])
            #expect(failure?.code == .invalidJSON, "\(name): \(failure?.description ?? "accepted")")
        }
        let many = (0..<5000).map { #""m\#($0)":\#($0)"# }.joined(separator: ",")
        let duplicateAmongMany = error(Self.productListed(data: "{\(many),\"m4999\":1}"))
        #expect(duplicateAmongMany?.message.contains("duplicate member name \"m4999\"") == true)
    }

    @Test func escapesAreDecoded() throws {
        let data = #"{"sku":"MUG-1","title":"Caf\u00e9 \"mug\" \ud83d\ude00\n\/","sourceImageUrl":"http://h/x"}"#
        #expect(try decodeProduct(Self.productListed(data: data)).data.title == "Café \"mug\" 😀\n/")
    }

    @Test func hugeNumbersAreNotIntegersInRange() {
        for number in ["1e400", "9007199254740992", "-1e400", "1e19"] {
            let failure = error(
                Self.productListed(
                    data: #"{"sku":"A","title":"T","sourceImageUrl":"http://h/x","revision":\#(number)}"#))
            #expect(failure?.path == "data.revision", "\(number)")
        }
        let video =
            #"{"specversion":"1.0","id":"p","source":"urn:s","type":"sku.promoted","time":"2025-06-02T09:15:00Z","data":{"sku":"A","video":{"durationSeconds":9.3e18}}}"#
        #expect(error(Self.json(video), as: .skuPromoted)?.path == "data.video.durationSeconds")
    }
}
