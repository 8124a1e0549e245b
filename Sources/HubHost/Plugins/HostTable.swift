import Foundation
import Logging
import ProviderABI

/// The host function table every provider receives: one immutable struct for the life of the
/// process. Each callback finds its CallContext through the `hub_call *` and does nothing else;
/// the policy lives in the context and the services behind it.
enum HostTable {
    static let logger = Logger(label: "mcp-hub.provider")

    /// Allocated once and never freed: providers may keep the pointer until shutdown.
    nonisolated(unsafe) static let shared: UnsafePointer<hub_host_api> = {
        let table = UnsafeMutablePointer<hub_host_api>.allocate(capacity: 1)
        table.initialize(to: hub_host_api(
            struct_size: UInt32(MemoryLayout<hub_host_api>.size),
            abi_major: UInt16(HUB_ABI_MAJOR),
            abi_minor: UInt16(HUB_ABI_MINOR),
            log: log,
            secret_get: secretGet,
            http: http,
            set_result: setResult,
            set_error: setError,
            cancelled: cancelled,
            remaining_ms: remainingMs,
            last_error: lastError,
            set_retry_after: setRetryAfter,
            progress: progress,
            kv_get: kvGet,
            kv_put: kvPut,
            kv_delete: kvDelete,
            kv_list: kvList
        ))
        return UnsafePointer(table)
    }()

    private static let log: @convention(c) (OpaquePointer?, Int32, hub_str) -> Void = { call, level, message in
        let context = CallContext.from(call)
        let text = ProviderLogLine.render(message.string, context: context)
        let metadata: Logger.Metadata = ["provider": .string(context?.provider ?? "?")]
        switch level {
        case HUB_LOG_DEBUG: logger.debug("\(text)", metadata: metadata)
        case HUB_LOG_INFO: logger.info("\(text)", metadata: metadata)
        case HUB_LOG_WARN: logger.warning("\(text)", metadata: metadata)
        default: logger.error("\(text)", metadata: metadata)
        }
    }

    private static let secretGet: @convention(c) (OpaquePointer?, hub_str, UnsafeMutablePointer<hub_str>?) -> hub_status = {
        call, name, out in
        guard let context = CallContext.from(call), let out else { return HUB_E_ARGS }
        switch context.readSecret(name.string) {
        case .success(let value):
            out.pointee = value
            return HUB_OK
        case .failure(let failure):
            out.pointee = hub_str(ptr: nil, len: 0)
            return failure.status
        }
    }

    private static let http: @convention(c) (
        OpaquePointer?, UnsafePointer<hub_http_request>?, UnsafeMutablePointer<hub_http_response>?
    ) -> hub_status = { call, request, response in
        guard let context = CallContext.from(call), let request, let response else { return HUB_E_ARGS }
        let c = request.pointee
        let headers = (0..<c.header_count).map { (name: c.headers[$0].name.string, value: c.headers[$0].value.string) }
        let outbound = OutboundRequest(
            method: c.method.string, url: c.url.string, headers: headers, body: c.body.bytes,
            timeout: c.timeout_ms == 0 ? nil : .milliseconds(Int64(c.timeout_ms)))
        switch context.send(outbound) {
        case .success(let answer):
            fill(response, with: answer, keptBy: context)
            return HUB_OK
        case .failure(let failure):
            return failure.status
        }
    }

    /// Writes the answer into the provider's response struct, within the size it declared.
    private static func fill(
        _ response: UnsafeMutablePointer<hub_http_response>, with answer: OutboundResponse, keptBy context: CallContext
    ) {
        let headerBytes = MemoryLayout<hub_http_header>.stride * max(answer.headers.count, 1)
        let headerMemory = malloc(headerBytes)!.bindMemory(to: hub_http_header.self, capacity: max(answer.headers.count, 1))
        for (index, header) in answer.headers.enumerated() {
            headerMemory[index] = hub_http_header(
                name: context.keep(Array(header.name.utf8)), value: context.keep(Array(header.value.utf8)))
        }
        context.adopt(UnsafeMutableRawPointer(headerMemory))
        guard response.pointee.struct_size >= MemoryLayout<hub_http_response>.size else {
            // An older provider: only the status fits for sure. (1.0 has no older struct.)
            response.pointee.status = Int32(answer.status)
            return
        }
        response.pointee.status = Int32(answer.status)
        response.pointee.body = context.keep(answer.body)
        response.pointee.headers = UnsafePointer(headerMemory)
        response.pointee.header_count = answer.headers.count
    }

    private static let setResult: @convention(c) (OpaquePointer?, hub_str) -> Void = { call, json in
        CallContext.from(call)?.setResult(json.bytes)
    }

    private static let setError: @convention(c) (OpaquePointer?, hub_status, hub_str) -> Void = { call, status, message in
        CallContext.from(call)?.setError(status, message.string)
    }

    private static let cancelled: @convention(c) (OpaquePointer?) -> Int32 = { call in
        (CallContext.from(call)?.isCancelled ?? true) ? 1 : 0
    }

    private static let remainingMs: @convention(c) (OpaquePointer?) -> UInt32 = { call in
        guard let remaining = CallContext.from(call)?.remaining else { return UInt32.max }
        let (seconds, attoseconds) = remaining.components
        return UInt32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    private static let lastError: @convention(c) (OpaquePointer?) -> hub_str = { call in
        CallContext.from(call)?.lastErrorText ?? hub_str(ptr: nil, len: 0)
    }

    // MARK: 1.1

    private static let setRetryAfter: @convention(c) (OpaquePointer?, UInt32) -> Void = { call, seconds in
        CallContext.from(call)?.setRetryAfter(seconds)
    }

    private static let progress: @convention(c) (OpaquePointer?, Double, Double, hub_str) -> Void = {
        call, done, total, message in
        CallContext.from(call)?.reportProgress(done, total: total, message: message.string)
    }

    private static let kvGet: @convention(c) (OpaquePointer?, hub_str, UnsafeMutablePointer<hub_str>?) -> hub_status = {
        call, key, out in
        guard let context = CallContext.from(call), let out else { return HUB_E_ARGS }
        out.pointee = hub_str(ptr: nil, len: 0)
        return storeCall(context, .get(key: key.string)) { out.pointee = context.keep($0) }
    }

    private static let kvPut: @convention(c) (OpaquePointer?, hub_str, hub_str) -> hub_status = { call, key, value in
        guard let context = CallContext.from(call) else { return HUB_E_ARGS }
        return storeCall(context, .put(key: key.string, valueJSON: value.bytes)) { _ in }
    }

    private static let kvDelete: @convention(c) (OpaquePointer?, hub_str) -> hub_status = { call, key in
        guard let context = CallContext.from(call) else { return HUB_E_ARGS }
        return storeCall(context, .delete(key: key.string)) { _ in }
    }

    private static let kvList: @convention(c) (OpaquePointer?, hub_str, UnsafeMutablePointer<hub_str>?) -> hub_status = {
        call, prefix, out in
        guard let context = CallContext.from(call), let out else { return HUB_E_ARGS }
        out.pointee = hub_str(ptr: nil, len: 0)
        return storeCall(context, .list(prefix: prefix.string)) { out.pointee = context.keep($0) }
    }

    private static func storeCall(
        _ context: CallContext, _ operation: ProviderStoreOperation, deliver: ([UInt8]) -> Void
    ) -> hub_status {
        switch context.store(operation) {
        case .success(let bytes):
            if let bytes { deliver(bytes) }
            return HUB_OK
        case .failure(let failure):
            return failure.status
        }
    }
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

extension Array where Element == UInt8 {
    /// Lends the bytes to C as a hub_str for the duration of `body`.
    func withHubStr<R>(_ body: (hub_str) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body(hub_str(ptr: $0.baseAddress, len: $0.count)) }
        }
    }
}

/// A line a provider writes with `host->log()`, as the hub's log shows it: scrubbed by the
/// call's redactor (the same one as replies, errors and audit rows) and with control
/// characters escaped, so a provider can neither leak a secret nor forge a log line.
enum ProviderLogLine {
    static func render(_ text: String, context: CallContext?) -> String {
        LogText.escaped(context?.redactor.redact(text) ?? text)
    }
}
