import Foundation
import ProviderABI
import Synchronization

/// Answers "is this provider's upstream working?" within a fixed bound, whatever the upstream
/// does. A probe calls the provider's `health` tool on a thread of its own (never the invocation
/// pool, so a pool full of hung calls cannot delay it), with a deadline of `timeout`; when the
/// deadline passes the answer is `down` with the reason, and the provider's cancel flag is set.
///
/// Probes are coalesced per provider: whoever asks while one is running waits for that one, so
/// callers cannot multiply upstream requests. A provider that ignores its cancel flag keeps its
/// probe thread; until that thread returns, new probes answer `down` at once instead of starting
/// another thread (at most one probe thread per provider, ever).
///
/// Every probe result is compared with the previous one; a change of status is reported to
/// `onChange` (the runtime audits and logs it), not every probe.
final class HealthMonitor: Sendable {
    struct Report: Sendable, Equatable {
        /// `ok`, `degraded` or `down`.
        var status: String
        /// The result text as the caller sees it (the provider's own result when it answered).
        var resultText: String
        var error: String?
        var hostsContacted: [String]
    }

    typealias ChangeHandler = @Sendable (_ provider: String, _ previous: String?, _ report: Report) async -> Void

    private struct Slot {
        var inFlight: Task<Report, Never>?
        /// Set while a provider thread runs the health tool, cleared when it returns.
        var threadSince: ContinuousClock.Instant?
        var latestStatus: String?
    }

    let timeout: Duration
    private let slots = Mutex<[String: Slot]>([:])
    private let runner: any JobSubmitter
    private let onChange: ChangeHandler?

    init(timeout: Duration, runner: any JobSubmitter = ThreadPerJob(), onChange: ChangeHandler? = nil) {
        self.timeout = timeout
        self.runner = runner
        self.onChange = onChange
    }

    /// The provider's health now, within `timeout` (plus scheduling).
    func probe(_ provider: LoadedProvider) async -> Report {
        let name = provider.name
        let task = slots.withLock { slots -> Task<Report, Never> in
            if let running = slots[name]?.inFlight { return running }
            let task = Task { await self.run(provider) }
            slots[name, default: Slot()].inFlight = task
            return task
        }
        return await task.value
    }

    /// The last status a probe saw, if any.
    func latestStatus(of provider: String) -> String? {
        slots.withLock { $0[provider]?.latestStatus }
    }

    private func run(_ provider: LoadedProvider) async -> Report {
        let name = provider.name
        let report = await attempt(provider)
        let previous = slots.withLock { slots -> String? in
            let previous = slots[name]?.latestStatus
            slots[name]?.inFlight = nil
            slots[name]?.latestStatus = report.status
            return previous
        }
        if previous != report.status, let onChange { await onChange(name, previous, report) }
        return report
    }

    private func attempt(_ provider: LoadedProvider) async -> Report {
        let name = provider.name
        guard let tool = provider.tools["health"] else {
            return Self.down("\(name): the provider has no health tool")
        }
        let stuckSince = slots.withLock { $0[name]?.threadSince }
        if let stuckSince {
            let ms = Int((ContinuousClock.now - stuckSince) / .milliseconds(1))
            return Self.down("\(name): the previous health probe has not returned after \(ms) ms (the upstream hangs)")
        }
        let bound = min(timeout, .milliseconds(tool.policy.timeoutMs))
        let deadline = ContinuousClock.now + bound
        let context = CallContext(provider: name, phase: .health, deadline: deadline, services: provider.services)
        slots.withLock { $0[name, default: Slot()].threadSince = .now }
        let outcome: ProviderCall.Outcome
        do {
            outcome = try await ProviderCall.run(on: runner, context: context, deadline: deadline) { [self] call in
                defer { slots.withLock { $0[name]?.threadSince = nil } }
                return tool.invoke(call, Array("{}".utf8))
            }
        } catch {
            slots.withLock { $0[name]?.threadSince = nil }
            return Self.down("\(name): no thread to run the health probe on")
        }
        let scrub = context.redactor
        switch outcome {
        case .timedOut, .cancelled:
            var report = Self.down("\(name): no answer within \(Int(bound / .milliseconds(1))) ms (health probe bound)")
            report.hostsContacted = context.hostsContactedSoFar
            return report
        case .returned(HUB_OK):
            let text = scrub.redact(String(decoding: context.result ?? [], as: UTF8.self))
            guard let result = try? JSONValue.parse(text),
                let said = result["status"]?.stringValue, ["ok", "degraded", "down"].contains(said)
            else {
                return Self.down("\(name): the health tool answered without a status of ok, degraded or down")
            }
            return Report(
                status: said, resultText: text, error: result["error"]?.stringValue, hostsContacted: context.hostsContacted)
        case .returned(let status):
            let message = scrub.redact(context.error?.message ?? StatusName.of(status))
            var report = Self.down("\(name): \(message)")
            report.hostsContacted = context.hostsContacted
            return report
        }
    }

    static func down(_ reason: String) -> Report {
        let text = JSONValue.object(["status": "down", "error": .string(reason)]).serialized
        return Report(status: "down", resultText: text, error: reason, hostsContacted: [])
    }
}

/// Runs each job on a fresh thread. For the hub's own rare work (health probes, one per provider
/// at a time), where a shared bounded pool would let callers' hung calls delay it.
struct ThreadPerJob: JobSubmitter {
    func submit(_ job: @escaping @Sendable () -> Void) throws(InvocationPool.Saturated) {
        let thread = Thread { job() }
        thread.name = "mcp-hub-health"
        thread.start()
    }
}
