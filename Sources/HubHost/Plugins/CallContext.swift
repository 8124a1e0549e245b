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
    /// Hosts the call's requests reached, in order.
    private(set) var hostsContacted: [String] = []
    /// What the host refused the provider during the call (a secret or host outside its scope).
    /// Recorded in the audit event even when the provider recovers and the call succeeds.
    private(set) var refusals: [String] = []
    private var lastError: [UInt8] = []
    private var arena: [UnsafeMutableRawPointer] = []

    init(provider: String, phase: Phase, deadline: ContinuousClock.Instant?, services: (any ProviderServices)?) {
        self.provider = provider
        self.phase = phase
        self.deadline = deadline
        self.services = services
    }

    deinit { arena.forEach { free($0) } }

    var isCancelled: Bool { cancelledFlag.load(ordering: .relaxed) }
    func cancel() { cancelledFlag.store(true, ordering: .relaxed) }

    var remaining: Duration? {
        deadline.map { max(.zero, $0 - .now) }
    }

    // MARK: Callbacks (called by HostTable on the provider's thread)

    func setResult(_ bytes: [UInt8]) { result = bytes }

    func setError(_ status: hub_status, _ message: String) { error = (status, message) }

    func readSecret(_ name: String) -> Result<hub_str, ServiceFailure> {
        guard phase != .load else {
            return .failure(fail(HUB_E_DENIED, "secrets are read per call, not while loading"))
        }
        guard let services else { return .failure(fail(HUB_E_UNAVAILABLE, "no vault is configured")) }
        do {
            let value = try services.secret(name)
            secretsRead.append(value)
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
        do {
            let response = try services.send(request, deadline: effectiveDeadline) { [weak self] in
                self?.isCancelled ?? true
            }
            hostsContacted.append(contentsOf: response.hostsContacted)
            return .success(response)
        } catch {
            hostsContacted.append(contentsOf: error.hostsContacted)
            return .failure(fail(error.status, error.message))
        }
    }

    var lastErrorText: hub_str { keep(lastError) }

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
