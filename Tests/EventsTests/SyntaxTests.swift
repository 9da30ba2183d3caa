import Foundation
import Testing

@testable import Events

/// Each hand-written pattern check agrees with the schema's own regex (read from schemas/, `$` as end of string)
/// on edge cases and on thousands of mutations of them.
@Suite("Pattern checks match the schema regexes")
struct SyntaxTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let pattern: String
        let check: @Sendable (String) -> Bool
        let samples: [String]
        var testDescription: String { pattern }
    }

    static let cases: [Case] = [
        Case(
            pattern: SchemaPatterns.common("sku"), check: Syntax.isSKU,
            samples: ["MUG-CER-350.WHT_2", "A", String(repeating: "x", count: 64)]),
        Case(pattern: SchemaPatterns.common("variant"), check: Syntax.isSKU, samples: ["studio-white"]),
        Case(
            pattern: SchemaPatterns.common("httpUrl"), check: Syntax.isHTTPURL,
            samples: [
                "http://127.0.0.1:8090/samples/mug.png", "https://cdn.example/a?b=c#d", "https://ä.example/ü",
                "http://h",
            ]),
        Case(
            pattern: SchemaPatterns.common("uri"), check: Syntax.isURI,
            samples: ["file:///tmp/x.bin", "urn:a:b", "s3+x.y-z://b/k"]),
        Case(
            pattern: SchemaPatterns.common("bcp47"), check: Syntax.isBCP47,
            samples: ["en", "zh-Hans-CN", "es-419", "pt-BR", "zh-Hant"]),
        Case(pattern: SchemaPatterns.common("market"), check: Syntax.isMarket, samples: ["US"]),
        Case(
            pattern: SchemaPatterns.common("timestamp"), check: Syntax.isTimestamp,
            samples: [
                "2025-06-02T09:15:00Z", "2025-06-02T11:02:00-03:00", "2025-12-31T23:59:60.250+14:00",
                "2025-01-19T20:30:59.1Z",
            ]),
        Case(
            pattern: SchemaPatterns.common("sha256Hex"), check: Syntax.isSHA256Hex,
            samples: [String(repeating: "0a", count: 32)]),
        Case(
            pattern: SchemaPatterns.common("mediaType"), check: Syntax.isMediaType,
            samples: ["image/png", "application/json; charset=utf-8", "video/mp4 ;codecs=avc1", "a!#$^_.+-/b!#$^_.+-"]),
        Case(pattern: SchemaPatterns.common("code"), check: Syntax.isCode, samples: ["no-scene-image", "a1-b2", "x"]),
        Case(
            pattern: SchemaPatterns.cloudEvents("source"), check: Syntax.isPrintableASCII,
            samples: ["urn:shop:catalog", "~!"]),
        Case(
            pattern: SchemaPatterns.cloudEvents("datacontenttype"), check: Syntax.isJSONContentType,
            samples: ["application/json", "application/json ;  charset=UTF-8", "application/json;charset=utf-8"]),
        Case(
            pattern: SchemaPatterns.cloudEvents("dataschema"), check: Syntax.isDataSchemaURN,
            samples: ["urn:assetforge:schema:product.listed:1", "urn:assetforge:schema:a-b.c0:20"]),
        Case(
            pattern: SchemaPatterns.eventID("asset.ready"), check: { Syntax.isAssetEventID($0, prefix: "ready-") },
            samples: ["ready-" + String(repeating: "f0", count: 32)]),
        Case(
            pattern: SchemaPatterns.eventID("asset.failed"), check: { Syntax.isAssetEventID($0, prefix: "failed-") },
            samples: ["failed-" + String(repeating: "9a", count: 32)]),
        Case(pattern: SchemaPatterns.currency, check: Syntax.isCurrency, samples: ["CNY"]),
        Case(
            pattern: SchemaPatterns.headers("structured", "content-type"), check: Syntax.isStructuredContentType,
            samples: [
                "application/cloudevents+json", "application/cloudevents+json; charset=utf-8",
                "application/cloudevents+json  ;",
            ]),
        Case(
            pattern: SchemaPatterns.headers("binary", "content-type"), check: Syntax.isJSONContentType,
            samples: ["application/json; charset=utf-8"]),
        Case(
            pattern: SchemaPatterns.headers("deadLetter", "assetforge_dlq_topic"), check: Syntax.isTopicName,
            samples: ["product.listed", "a_B-9"]),
        Case(
            pattern: SchemaPatterns.headers("deadLetter", "assetforge_dlq_partition"),
            check: { Syntax.isDecimal($0, maximumDigits: 10) }, samples: ["0", "7", "1234567890"]),
        Case(
            pattern: SchemaPatterns.headers("deadLetter", "assetforge_dlq_offset"),
            check: { Syntax.isDecimal($0, maximumDigits: 19) }, samples: ["0", "912", "1234567890123456789"]),
        Case(
            pattern: SchemaPatterns.headers("deadLetter", "assetforge_dlq_original_size"),
            check: { Syntax.isDecimal($0, maximumDigits: 19) }, samples: ["3145728"]),
    ]

    /// Characters that matter to one pattern or another.
    static let alphabet: [String] = [
        "a", "f", "g", "z", "A", "F", "T", "Z", "0", "1", "2", "3", "5", "6", "9", "-", "+", "_", ".", ":", "/", "?",
        "#",
        ";", "=", "!", "~", "^", "$", " ", "\n", "\r", "\t", "\u{0}", "\u{7f}", "\u{85}", "é", "😀", "\u{2028}",
    ]

    static func mutations(of sample: String) -> [String] {
        let characters = Array(sample)
        var result = [
            sample, sample + "\n", "\n" + sample, sample + sample, "", String(sample.dropLast()),
            String(sample.dropFirst()),
        ]
        for position in 0...characters.count {
            for character in alphabet {
                result.append(String(characters[..<position]) + character + String(characters[position...]))
                if position < characters.count {
                    result.append(String(characters[..<position]) + character + String(characters[(position + 1)...]))
                }
            }
            if position < characters.count {
                result.append(String(characters[..<position]) + String(characters[(position + 1)...]))
            }
        }
        return result
    }

    @Test(arguments: cases)
    func agreesWithTheRegex(_ testCase: Case) throws {
        let regex = try NSRegularExpression(pattern: SchemaPatterns.endOfStringAnchors(testCase.pattern))
        var checked = 0
        for sample in testCase.samples {
            #expect(testCase.check(sample), "sample \(sample.debugDescription) should match")
            for candidate in Self.mutations(of: sample) {
                let range = NSRange(candidate.startIndex..., in: candidate)
                let expected = regex.firstMatch(in: candidate, range: range) != nil
                #expect(testCase.check(candidate) == expected, "\(candidate.debugDescription): regex says \(expected)")
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func everySchemaPatternHasACheck() throws {
        let covered = Set(Self.cases.map(\.pattern)).union(["^image/", "^video/"])
        let all = try SchemaPatterns.allPatterns()
        #expect(!all.isEmpty)
        #expect(all.subtracting(covered).isEmpty, "patterns without a hand-written check: \(all.subtracting(covered))")
    }
}

/// Patterns read from the schema files.
enum SchemaPatterns {
    static let directory = ContractExample.repository.appending(path: "schemas")

    static func document(_ name: String) -> [String: Any] {
        let data = (try? Data(contentsOf: directory.appending(path: name))) ?? Data()
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
    }

    static func pattern(_ document: [String: Any], _ path: [String]) -> String {
        var node: Any? = document
        for key in path { node = (node as? [String: Any])?[key] }
        return ((node as? [String: Any])?["pattern"] as? String) ?? "<missing \(path.joined(separator: "/"))>"
    }

    static func common(_ name: String) -> String { pattern(document("common.schema.json"), ["$defs", name]) }
    static func cloudEvents(_ name: String) -> String {
        pattern(document("cloudevents.schema.json"), ["properties", name])
    }
    static func eventID(_ type: String) -> String { pattern(document("\(type).schema.json"), ["properties", "id"]) }
    static var currency: String {
        pattern(document("asset.ready.data.schema.json"), ["properties", "cost", "properties", "currency"])
    }
    static func headers(_ definition: String, _ name: String) -> String {
        pattern(document("kafka-headers.schema.json"), ["$defs", definition, "properties", name])
    }

    /// Every `pattern` in every schema file.
    static func allPatterns() throws -> Set<String> {
        var result: Set<String> = []
        func walk(_ node: Any) {
            if let object = node as? [String: Any] {
                if let pattern = object["pattern"] as? String { result.insert(pattern) }
                object.values.forEach(walk)
            } else if let array = node as? [Any] {
                array.forEach(walk)
            }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".schema.json")
        }
        names.forEach { walk(document($0)) }
        return result
    }

    /// `$` outside character classes becomes `\z`: JSON Schema (ECMA-262) `$` is the very end of the string,
    /// while ICU's also matches before a final line terminator.
    static func endOfStringAnchors(_ pattern: String) -> String {
        var result = ""
        var inClass = false
        var iterator = pattern.makeIterator()
        while let character = iterator.next() {
            if character == "\\", let next = iterator.next() {
                result += "\\\(next)"
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
                result.append(character)
            } else if character == "[" {
                inClass = true
                result.append(character)
            } else if character == "$" {
                result += "\\z"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
