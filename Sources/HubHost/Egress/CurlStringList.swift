import CCurl

/// A `curl_slist` that lives as long as this object; curl keeps only the pointer, so the list
/// must outlive the transfer that uses it.
final class CurlStringList {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    init(_ items: [String] = []) {
        for item in items { append(item) }
    }

    func append(_ item: String) {
        guard let appended = curl_slist_append(head, item) else { preconditionFailure("curl_slist_append: out of memory") }
        head = appended
    }

    deinit { curl_slist_free_all(head) }
}
