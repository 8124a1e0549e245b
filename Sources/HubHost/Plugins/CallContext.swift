import Foundation
import ProviderABI
import Synchronization

/// The host's side of one call into a provider — what the C ABI calls `hub_call`.
///
/// A provider reaches it only through the host table's callbacks, on the thread running the
/// call. The one field touched from elsewhere is `cancelled` (set when the deadline passes),
/// which is atomic. Host-owned memory handed to the provider (secret values, response bodies) is
/// kept in `arena` and freed when the context dies, after the provider function has returned.
final class CallContext: @unchecked Sendable {
    enum Phase: Sendable { case load, invoke, health }

    let provider: String
    let phase: Phase
    let deadline: ContinuousClock.Instant?
    let services: (any ProviderServices)?
    private let cancelledFlag = Atomic<Bool>(false)

    private(set) var result: [UInt8]?
    private(set) var error: (status: hub_status, message: String)?
    /// Secret values this call has read: scrubbed from everything it returns or reports.
    private(set) var secretsRead: [String] = []
    /// Their vault names, in order: what an admin checks when an upstream rejects a credential.
    private(set) var secretNamesRead: [String] = []
    /// Hosts the call's requests reached, in order.
    private(set) var hostsContacted: [String] = []
    /// The same, readable from another thread while the provider still runs (after a timeout or
    /// a cancellation), including the host of a request still in flight.
    private let reachedHosts = Mutex<(done: [String], inFlight: String?)>(([], nil))
    /// What the host refused the provider during the call (a secret or host outside its scope).
    /// Recorded in the audit event even when the provider recovers and the call succeeds.
    private(set) var refusals: [String] = []
    /// What the provider said about retrying (ABI 1.1 `set_retry_after`), in seconds.
    private(set) var retryAfterSeconds: Int?
    private var lastError: [UInt8] = []
    private var arena: [UnsafeMutableRawPointer] = []
    /// Where progress reports go (the MCP door sets it when the caller sent a progress token);
    /// nil drops them. Called on the provider's thread: it must not block.
    private let progressSink: ProgressSink?
    private var lastProgress: Double = -.infinity

    init(
        provider: String, phase: Phase, deadline: ContinuousClock.Instant?, services: (any ProviderServices)?,
        progress: ProgressSink? = nil
    ) {
        self.provider = provider
        self.phase = phase
        self.deadline = deadline
        self.services = services
        self.progressSink = progress
    }

    deinit { arena.forEach { free($0) } }

    /// The one scrubber for everything this call sends out — the reply, the error, the audit
    /// row, a log line the provider writes: every secret the call read and every cached secret
    /// its provider may read.
    var redactor: SecretRedactor {
        SecretRedactor(secrets: secretsRead + (services?.secretsToScrub() ?? []))
    }

    var isCancelled: Bool { cancelledFlag.load(ordering: .relaxed) }
    func cancel() { cancelledFlag.store(true, ordering: .relaxed) }

    var remaining: Duration? {
        deadline.map { max(.zero, $0 - .now) }
    }

    // MARK: Callbacks (called by HostTable on the provider's thread)

    func setResult(_ bytes: [UInt8]) { result = bytes }

    func setError(_ status: hub_status, _ message: String) { error = (status, message) }

    func setRetryAfter(_ seconds: UInt32) {
        retryAfterSeconds = seconds == 0 ? nil : Int(min(max(seconds, 1), 86_400))
    }

    /// Forwards a progress report if someone asked for them and it moves forward.
    func reportProgress(_ progress: Double, total: Double, message: String) {
        guard let progressSink, progress.isFinite, progress > lastProgress else { return }
        lastProgress = progress
        progressSink(ProgressReport(progress: progress, total: total > 0 && total.isFinite ? total : nil,
                                    message: message.isEmpty ? nil : String(message.prefix(500))))
    }

    /// The provider's durable key-value store (ABI 1.1 `kv_*`).
    func store(_ operation: ProviderStoreOperation) -> Result<[UInt8]?, ServiceFailure> {
        guard phase != .load else {
            return .failure(fail(HUB_E_DENIED, "the provider store is used per call, not while loading"))
        }
        guard let services else { return .failure(fail(HUB_E_UNAVAILABLE, "no provider store is configured")) }
        do {
            return .success(try services.store(operation))
        } catch {
            return .failure(fail(error.status, error.message))
        }
    }

    func readSecret(_ name: String) -> Result<hub_str, ServiceFailure> {
        guard phase != .load else {
            return .failure(fail(HUB_E_DENIED, "secrets are read per call, not while loading"))
        }
        guard let services else { return .failure(fail(HUB_E_UNAVAILABLE, "no vault is configured")) }
        do {
            let value = try services.secret(name)
            secretsRead.append(value)
            if !secretNamesRead.contains(name) { secretNamesRead.append(name) }
            return .success(keep(Array(value.utf8)))
        } catch {
            return .failure(fail(error.status, error.message))
        }
    }

    func send(_ request: OutboundRequest) -> Result<OutboundResponse, ServiceFailure> {
        guard phase != .load else {
            return .failure(fail(HUB_E_DENIED, "outbound requests are made per call, not while loading"))
        }
        guard let services else { return .failure(fail(HUB_E_UNAVAILABLE, "no egress is configured")) }
        var request = request
        if let callRemaining = remaining {
            if callRemaining <= .zero { return .failure(fail(HUB_E_TIMEOUT, "the call's deadline has passed")) }
            request.timeout = min(request.timeout ?? callRemaining, callRemaining)
        }
        let effectiveDeadline = request.timeout.map { ContinuousClock.now + $0 } ?? deadline
        reachedHosts.withLock { $0.inFlight = URLHost.of(request.url) }
        do {
            let response = try services.send(request, deadline: effectiveDeadline) { [weak self] in
                self?.isCancelled ?? true
            }
            reached(response.hostsContacted)
            return .success(response)
        } catch {
            reached(error.hostsContacted)
            return .failure(fail(error.status, error.message))
        }
    }

    private func reached(_ hosts: [String]) {
        hostsContacted.append(contentsOf: hosts)
        reachedHosts.withLock {
            $0.done.append(contentsOf: hosts)
            $0.inFlight = nil
        }
    }

    /// Hosts reached so far, safe to read from any thread; includes a request still in flight.
    var hostsContactedSoFar: [String] {
        reachedHosts.withLock { $0.done + ($0.inFlight.map { [$0] } ?? []) }
    }

    var lastErrorText: hub_str { keep(lastError) }

    /// Records why a host function failed without touching the outcome (for argument errors
    /// found in the table's callbacks themselves).
    func refuse(_ status: hub_status, _ message: String) -> hub_status { fail(status, message).status }

    /// Takes ownership of memory allocated for the provider's view of a response.
    func adopt(_ memory: UnsafeMutableRawPointer) { arena.append(memory) }

    /// Copies bytes into memory that lives as long as this call, and views it as a hub_str.
    func keep(_ bytes: [UInt8]) -> hub_str {
        guard !bytes.isEmpty, let memory = malloc(bytes.count) else { return hub_str(ptr: nil, len: 0) }
        bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        arena.append(memory)
        return hub_str(ptr: memory.assumingMemoryBound(to: CChar.self), len: bytes.count)
    }

    private func fail(_ status: hub_status, _ message: String) -> ServiceFailure {
        lastError = Array(message.utf8)
        if status == HUB_E_DENIED { refusals.append(message) }
        return ServiceFailure(status: status, message: message)
    }

    /// Hands this context to C as an opaque `hub_call *`. The caller keeps the context alive
    /// for as long as the provider may use the pointer.
    var handle: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ handle: OpaquePointer?) -> CallContext? {
        handle.map { Unmanaged<CallContext>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

/// One progress report from a provider (ABI 1.1 `progress`).
struct ProgressReport: Sendable, Equatable {
    var progress: Double
    var total: Double?
    var message: String?
}

typealias ProgressSink = @Sendable (ProgressReport) -> Void

/// The host part of a URL a provider asked for, lower-cased, for the audit row while the request
/// is still in flight (egress reports the hosts it really reached once it returns).
enum URLHost {
    static func of(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return nil }
        return host.lowercased()
    }
}
