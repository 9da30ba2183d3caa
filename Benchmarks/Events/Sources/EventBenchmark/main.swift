import Events
import Foundation
import Kafka

let options: BenchmarkOptions
do {
    options = try BenchmarkOptions(
        arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
} catch let error as UsageError {
    if let message = error.message { print("error: \(message)\n") }
    print(BenchmarkOptions.usage)
    exit(error.message == nil ? 0 : 2)
}

let workloads = try Workload.all(examples: options.examples)
let machine = ProcessInfo.processInfo
let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
print(
    "event-benchmark: \(machine.activeProcessorCount) cores, \(machine.physicalMemory >> 30) GiB, "
        + machine.operatingSystemVersionString + (load.map { ", load average \($0.joined(separator: " "))" } ?? ""))
print("decode + validate on one thread: \(options.rounds) rounds of \(options.iterations) events, median round")
print("(CPU µs: the thread's own CPU time, which other processes on a shared machine do not inflate)\n")
print(
    pad("workload", 28) + pad("bytes", 7) + pad("µs/event", 10) + pad("events/s", 10) + pad("CPU µs", 8)
        + pad("events/s", 10) + "best CPU µs")

let decoder = EventDecoder()
var checksum = 0
var typicalMicroseconds = 0.0
for workload in workloads {
    // Check the verdict once, then time the loop.
    let verdict = (try? decoder.decode(value: workload.value, headers: workload.headers, as: workload.type)) != nil
    precondition(verdict == workload.expectValid, "\(workload.name): unexpected verdict")
    var perEvent: [Double] = []
    var cpuPerEvent: [Double] = []
    for _ in 0..<(options.rounds + 1) {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = threadCPUSeconds()
        for _ in 0..<options.iterations {
            do {
                let event = try decoder.decode(value: workload.value, headers: workload.headers, as: workload.type)
                checksum &+= event.sku.utf8.count
            } catch {
                checksum &+= error.message.utf8.count
            }
        }
        perEvent.append((clock.now - start) / .microseconds(1) / Double(options.iterations))
        cpuPerEvent.append((threadCPUSeconds() - cpuStart) * 1e6 / Double(options.iterations))
    }
    perEvent.removeFirst()  // warm-up
    cpuPerEvent.removeFirst()
    let wall = median(perEvent)
    let cpu = median(cpuPerEvent)
    if workload.name == "product.listed structured" { typicalMicroseconds = cpu }
    print(
        pad(workload.name, 28) + pad("\(workload.value.count)", 7) + pad(format(wall, 2), 10)
            + pad(format(1_000_000 / wall, 0), 10) + pad(format(cpu, 2), 8) + pad(format(1_000_000 / cpu, 0), 10)
            + format(cpuPerEvent.min() ?? 0, 2))
}

if let brokers = options.brokers {
    let typical = workloads[0]
    print(
        "\nconsume loop against \(brokers.joined(separator: ",")): \(options.messages) × "
            + "\(typical.value.count)-byte events, 6 partitions, median of \(options.consumeRounds) rounds")
    let results = try await ConsumeBenchmark(
        brokers: brokers, messages: options.messages, value: typical.value, headers: typical.headers
    ).run(rounds: options.consumeRounds)
    print(pad("loop", 36) + pad("µs/msg", 11) + pad("msgs/s", 12) + "rounds (µs/msg)")
    let loops = [("raw (next + markDone)", results.raw), ("decode (next + decode + markDone)", results.decoding)]
    for (name, rounds) in loops {
        print(
            pad(name, 36) + pad(format(median(rounds), 2), 11) + pad(format(1_000_000 / median(rounds), 0), 12)
                + rounds.map { format($0, 2) }.joined(separator: " "))
    }
    print(
        "\nper message: raw loop \(format(median(results.raw), 2)) µs; decode + validate alone "
            + "\(format(typicalMicroseconds, 2)) µs (CPU); in the loop, decoding adds "
            + "\(format(median(results.decoding) - median(results.raw), 2)) µs")
} else {
    print("\n(no broker: set --brokers or ASSETFORGE_BENCH_KAFKA_BROKERS to measure the consume loop too)")
}
print("checksum \(checksum)")

if let minimum = options.minimumEventsPerSecond {
    let achieved = 1_000_000 / typicalMicroseconds
    guard achieved >= Double(minimum) else {
        print("FAILED: \(format(achieved, 0)) events/s is below the required \(minimum)")
        exit(1)
    }
    print("passed: \(format(achieved, 0)) events/s ≥ \(minimum)")
}

/// CPU time of the calling thread, in seconds.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
    values.sorted()[values.count / 2]
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
