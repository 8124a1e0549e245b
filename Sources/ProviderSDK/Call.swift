/// The host's side of one call, as a provider sees it: secrets, outbound HTTP, logging and the
/// deadline. Valid only while the tool (or health probe) runs; never keep it.
///
/// Everything here goes through the host, which enforces the provider's vault scope, hostname
/// allowlist and address policy, and records what happened for the audit trail.
public struct Call {
    let host: UnsafePointer<hub_host_api>
    let handle: OpaquePointer

    init(host: UnsafePointer<hub_host_api>, handle: OpaquePointer) {
        self.host = host
        self.handle = handle
    }

    /// Reads a secret from the vault. Only names the config grants this provider are answered;
    /// a rotated secret is seen by the next call without a reload.
    public func getVaultSecret(_ name: String) throws(ProviderError) -> String {
        var out = hub_str(ptr: nil, len: 0)
        let status = name.withHubStr { host.pointee.secret_get(handle, $0, &out) }
        guard status == HUB_OK else { throw hostError(status) }
        return out.string
    }

    /// Sends an HTTP request through the host. A response with any status code is returned;
    /// a refused or failed transfer throws.
    public func fetch(_ request: HTTPRequest) throws(ProviderError) -> HTTPResponse {
        var response = hub_http_response()
        response.struct_size = UInt32(MemoryLayout<hub_http_response>.size)
        let status = request.withCRequest { host.pointee.http(handle, $0, &response) }
        guard status == HUB_OK else { throw hostError(status) }
        let headers = (0..<response.header_count).map { index in
            let header = response.headers[index]
            return (name: header.name.string, value: header.value.string)
        }
        return HTTPResponse(status: Int(response.status), headers: headers, body: response.body.bytes)
    }

    public func log(_ level: LogLevel, _ message: String) {
        message.withHubStr { host.pointee.log(handle, level.rawValue, $0) }
    }

    /// Reports how far a long call has come (`total` nil when unknown). The hub forwards it to a
    /// caller that asked for progress (MCP's progressToken) and drops it otherwise; cheap to call.
    public func progress(_ done: Double, total: Double? = nil, message: String = "") {
        guard host.pointee.abi_minor >= 1 else { return }
        message.withHubStr { host.pointee.progress(handle, done, total ?? 0, $0) }
    }

    /// True once the host has given up on this call: stop work and return.
    public var isCancelled: Bool { host.pointee.cancelled(handle) != 0 }

    /// Time left before the deadline, or nil when the call has none.
    public var remaining: Duration? {
        let milliseconds = host.pointee.remaining_ms(handle)
        return milliseconds == UInt32.max ? nil : .milliseconds(Int64(milliseconds))
    }

    private func hostError(_ status: hub_status) -> ProviderError {
        ProviderError(status: status, message: host.pointee.last_error(handle).string)
    }
}

public enum LogLevel: Int32, Sendable {
    case debug = 0, info = 1, warn = 2, error = 3
}

extension hub_str {
    var string: String {
        guard let ptr, len > 0 else { return "" }
        return ptr.withMemoryRebound(to: UInt8.self, capacity: len) {
            String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
        }
    }

    var bytes: [UInt8] {
        guard let ptr, len > 0 else { return [] }
        return ptr.withMemoryRebound(to: UInt8.self, capacity: len) { Array(UnsafeBufferPointer(start: $0, count: len)) }
    }
}

extension String {
    func withHubStr<R>(_ body: (hub_str) throws -> R) rethrows -> R {
        var copy = self
        return try copy.withUTF8 { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body(hub_str(ptr: $0.baseAddress, len: $0.count)) }
        }
    }
}

extension Array where Element == UInt8 {
    func withHubStr<R>(_ body: (hub_str) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body(hub_str(ptr: $0.baseAddress, len: $0.count)) }
        }
    }
}
