import AssetForgeConfiguration
import Foundation
import Testing

extension ValidationTests {
    /// One pacing setting per row: variable, file key, and the text every rejection says is allowed.
    static let pacingSettings: [(String, String, String)] = [
        (
            "ASSETFORGE_WANX_SUBMITS_PER_SECOND", "providers.wanx.submitsPerSecond",
            "from 0.001 to 1000000 (per second)"
        ),
        ("ASSETFORGE_QWEN_SUBMIT_BURST", "providers.qwen.submitBurst", "1 or more"),
        ("ASSETFORGE_KLING_FIRST_POLL_SECONDS", "providers.kling.firstPollSeconds", "from 0.001 to 86400 (seconds)"),
        (
            "ASSETFORGE_HAILUO_POLL_INTERVAL_SECONDS", "providers.hailuo.pollIntervalSeconds",
            "from 0.001 to 86400 (seconds)"
        ),
        (
            "ASSETFORGE_JIMENG_MAX_POLL_INTERVAL_SECONDS", "providers.jimeng.maxPollIntervalSeconds",
            "from 0.001 to 86400 (seconds)"
        ),
        ("ASSETFORGE_WANX_TASK_TIMEOUT_SECONDS", "providers.wanx.taskTimeoutSeconds", "1 or more"),
        ("ASSETFORGE_QWEN_MAX_ATTEMPTS", "providers.qwen.maxAttempts", "1 or more"),
        ("ASSETFORGE_KLING_BREAKER_FAILURES", "providers.kling.breakerFailures", "1 or more"),
        (
            "ASSETFORGE_HAILUO_BREAKER_OPEN_SECONDS", "providers.hailuo.breakerOpenSeconds",
            "from 0.001 to 86400 (seconds)"
        ),
    ]

    @Test(
        "zero, negative and non-numeric pacing values name the key and the variable",
        arguments: pacingSettings, ["0", "-1", "abc", "1,5", "1e3", ".5", "2."])
    func badPacing(setting: (String, String, String), value: String) async throws {
        let (variable, key, allowed) = setting
        try await expectInvalid(variable, value, key: key, allowed: allowed)
    }

    @Test(
        "whole-number pacing settings refuse fractions",
        arguments: [
            "ASSETFORGE_QWEN_SUBMIT_BURST", "ASSETFORGE_WANX_TASK_TIMEOUT_SECONDS", "ASSETFORGE_QWEN_MAX_ATTEMPTS",
            "ASSETFORGE_HAILUO_BREAKER_FAILURES",
        ])
    func fractionalPacing(variable: String) async throws {
        let issue = try await singleIssue(environment: [variable: "1.5"])
        #expect(issue.environmentVariable == variable)
        #expect(issue.description.contains("is not a whole number"), "\(issue)")
    }

    @Test("decimal pacing settings: out of range above their bound and below 1 ms")
    func decimalRange() async throws {
        try await expectInvalid(
            "ASSETFORGE_KLING_FIRST_POLL_SECONDS", "86401", key: "providers.kling.firstPollSeconds",
            allowed: "is out of range; must be from 0.001 to 86400 (seconds)")
        try await expectInvalid(
            "ASSETFORGE_WANX_BREAKER_OPEN_SECONDS", "0.0001", key: "providers.wanx.breakerOpenSeconds",
            allowed: "is out of range")
        try await expectInvalid(
            "ASSETFORGE_JIMENG_SUBMITS_PER_SECOND", "1000001", key: "providers.jimeng.submitsPerSecond",
            allowed: "is out of range")
        let pacing = try await load(
            environment: [
                "ASSETFORGE_KLING_FIRST_POLL_SECONDS": "86400", "ASSETFORGE_WANX_BREAKER_OPEN_SECONDS": "0.001",
            ]
        ).providers
        #expect(pacing[pacing: .kling].firstPollSeconds == 86400)
        #expect(pacing[pacing: .wanx].breakerOpenSeconds == 0.001)
    }

    @Test("bad prices", arguments: ["-1", "abc", "0.00001", "1,5"])
    func badPrice(value: String) async throws {
        try await expectInvalid(
            "ASSETFORGE_PRICE_HAILUO_PER_VIDEO_SECOND_CNY", value, key: "providers.hailuo.pricePerVideoSecond",
            allowed: "non-negative number with at most 4 decimals")
    }

    @Test("a longest poll interval below the poll interval names both settings")
    func maxBelowInterval() async throws {
        let issue = try await singleIssue(environment: ["ASSETFORGE_WANX_MAX_POLL_INTERVAL_SECONDS": "1.5"])
        #expect(issue.code == .invalidValue)
        #expect(issue.key == "providers.wanx.maxPollIntervalSeconds")
        #expect(issue.environmentVariable == "ASSETFORGE_WANX_MAX_POLL_INTERVAL_SECONDS")
        #expect(issue.value == "1.5")
        #expect(issue.source == .environment)
        let text = issue.description
        #expect(
            text.contains("providers.wanx.pollIntervalSeconds (ASSETFORGE_WANX_POLL_INTERVAL_SECONDS), 2 from default"),
            "\(text)")
        #expect(text.contains("must be at least the poll interval"), "\(text)")

        // Raising only the interval past the default maximum is caught too; the maximum is shown as the default.
        let raised = try await singleIssue(environment: ["ASSETFORGE_KLING_POLL_INTERVAL_SECONDS": "45"])
        #expect(raised.key == "providers.kling.maxPollIntervalSeconds")
        #expect(raised.value == "30")
        #expect(raised.source == .default)
        #expect(raised.description.contains("45 from env"), "\(raised)")
    }

    @Test("equal intervals are fine; an interval already reported as invalid is not compared")
    func intervalEdges() async throws {
        let pacing = try await load(
            environment: [
                "ASSETFORGE_JIMENG_POLL_INTERVAL_SECONDS": "0.2", "ASSETFORGE_JIMENG_MAX_POLL_INTERVAL_SECONDS": "0.2",
            ]
        ).providers[pacing: .jimeng]
        #expect(pacing.pollInterval == pacing.maxPollInterval)

        let issue = try await singleIssue(
            environment: [
                "ASSETFORGE_QWEN_POLL_INTERVAL_SECONDS": "abc", "ASSETFORGE_QWEN_MAX_POLL_INTERVAL_SECONDS": "1",
            ])
        #expect(issue.key == "providers.qwen.pollIntervalSeconds")
    }

    @Test("a longest poll interval below the interval in a file is reported with source file")
    func maxBelowIntervalInFile() async throws {
        let yaml = "providers:\n  hailuo:\n    pollIntervalSeconds: 0.5\n    maxPollIntervalSeconds: 0.2\n"
        try await withConfigFile(yaml, extension: "yaml") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.key == "providers.hailuo.maxPollIntervalSeconds")
            #expect(issue.environmentVariable == "ASSETFORGE_HAILUO_MAX_POLL_INTERVAL_SECONDS")
            #expect(issue.value == "0.2")
            #expect(issue.source == .file)
            #expect(issue.description.contains("0.5 from file"), "\(issue)")
        }
    }
}
