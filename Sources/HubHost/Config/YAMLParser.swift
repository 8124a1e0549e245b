import CYAML

/// Turns YAML text into a `YAMLNode` tree using libyaml's event API.
///
/// Config is data, not a program: anchors, aliases, tags, duplicate keys and extra documents are
/// refused here, once, so nothing downstream has to wonder what a node "really" means.
enum YAMLParser {
    /// Returns nil for a document with no content (an empty or comment-only file).
    static func parse(_ text: String, file: String) throws(ConfigError) -> YAMLNode? {
        // libyaml's string reader keeps a pointer back to the parser, so it needs a stable address.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw ConfigError(mark: nil, keyPath: "", message: "libyaml could not initialise a parser")
        }
        defer { yaml_parser_delete(parser) }

        // A trailing NUL keeps the buffer non-empty: libyaml asserts on a NULL input pointer.
        let bytes = Array(text.utf8) + [0]
        return try bytes.withUnsafeBufferPointer { (buffer) throws(ConfigError) -> YAMLNode? in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count - 1)
            var builder = YAMLTreeBuilder(file: file)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else {
                    throw syntaxError(parser.pointee, bytes: buffer, file: file)
                }
                defer { yaml_event_delete(&event) }
                if try builder.consume(event) { return builder.root }
            }
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>, file: String) -> ConfigError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        var message = "YAML syntax error: \(problem)"
        if let context = parser.context { message += " (\(String(cString: context)))" }
        let mark: SourceMark
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad characters) carry a byte offset rather than a line and column.
            mark = markOfByte(at: parser.problem_offset, in: bytes, file: file)
        } else if parser.context != nil, parser.context_mark.line < parser.problem_mark.line {
            // libyaml finds many mistakes only at the next token ("could not find expected ':'"
            // on the line after a key without its colon); the context mark is where the
            // construct it was reading began — the line the admin has to fix.
            mark = SourceMark(file: file, line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
        } else if let line = keyWithoutColon(before: Int(parser.problem_mark.line), in: bytes) {
            // "listen 127.0.0.1:8080" followed by "state_dir: x": libyaml reads both lines as one
            // plain scalar and complains at the second line's ':'. The mistake is the line above.
            mark = SourceMark(file: file, line: line.number, column: line.column)
            message += " (is a ':' missing after the key on line \(line.number)?)"
        } else {
            mark = SourceMark(file: file, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        }
        return ConfigError(mark: mark, keyPath: "", message: message)
    }

    /// The nearest non-blank line above `problemLine` (0-based), when it sits at the same
    /// indentation and no mapping colon (": " or a trailing ":"): a key whose colon is missing.
    /// 1-based line and column.
    static func keyWithoutColon(before problemLine: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (number: Int, column: Int)? {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard problemLine > 0, problemLine < lines.count else { return nil }
        func indentation(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }
        var index = problemLine - 1
        while index >= 0, lines[index].allSatisfy({ $0 == " " || $0 == "\r" }) { index -= 1 }
        guard index >= 0 else { return nil }
        let candidate = lines[index]
        let body = candidate.drop { $0 == " " }
        guard indentation(candidate) == indentation(lines[problemLine]), !body.isEmpty, !body.hasPrefix("#"),
            !body.hasPrefix("-"), !body.contains(": "), !body.hasSuffix(":")
        else { return nil }
        return (index + 1, indentation(candidate) + 1)
    }

    private static func markOfByte(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>, file: String) -> SourceMark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // count characters, not UTF-8 continuation bytes
                column += 1
            }
        }
        return SourceMark(file: file, line: line, column: column)
    }
}

/// Assembles nodes from the event stream, one open collection per stack entry.
private struct YAMLTreeBuilder {
    private struct OpenCollection {
        enum Kind { case sequence, mapping }
        var kind: Kind
        var mark: SourceMark
        var items: [YAMLNode] = []
        var entries: [YAMLMappingEntry] = []
        var pendingKey: (text: String, mark: SourceMark)?
        var keyMarks: [String: SourceMark] = [:]
    }

    let file: String
    private(set) var root: YAMLNode?
    private var stack: [OpenCollection] = []
    private var documents = 0

    init(file: String) { self.file = file }

    /// Returns true when the stream has ended.
    mutating func consume(_ event: yaml_event_t) throws(ConfigError) -> Bool {
        let mark = SourceMark(file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw ConfigError(mark: mark, keyPath: "", message: "multiple documents are not supported (a config file holds one document)")
            }
        case YAML_ALIAS_EVENT:
            throw error(at: mark, "aliases are not supported")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            try refuseAnchorAndTag(anchor: scalar.anchor, tag: scalar.tag, at: mark)
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let value = scalar.style == YAML_PLAIN_SCALAR_STYLE ? YAMLScalarValue.resolvePlain(text) : .string(text)
            try add(YAMLNode(content: .scalar(YAMLScalar(text: text, value: value)), mark: mark))
        case YAML_SEQUENCE_START_EVENT:
            try refuseAnchorAndTag(anchor: event.data.sequence_start.anchor, tag: event.data.sequence_start.tag, at: mark)
            try open(.sequence, at: mark)
        case YAML_MAPPING_START_EVENT:
            try refuseAnchorAndTag(anchor: event.data.mapping_start.anchor, tag: event.data.mapping_start.tag, at: mark)
            try open(.mapping, at: mark)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let collection = stack.removeLast()
            let content: YAMLNode.Content = collection.kind == .sequence ? .sequence(collection.items) : .mapping(collection.entries)
            try add(YAMLNode(content: content, mark: collection.mark))
        default:
            break
        }
        return false
    }

    private func refuseAnchorAndTag(anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?, at mark: SourceMark) throws(ConfigError) {
        if let anchor {
            throw error(at: mark, "anchor '&\(String(cString: anchor))' refused: aliases are not supported")
        }
        if let tag {
            throw error(at: mark, "tag '\(String(cString: tag))' refused: tags are not supported (quote a value to make it a string)")
        }
    }

    private mutating func open(_ kind: OpenCollection.Kind, at mark: SourceMark) throws(ConfigError) {
        if let top = stack.last, top.kind == .mapping, top.pendingKey == nil {
            throw error(at: mark, "mapping keys must be scalars")
        }
        stack.append(OpenCollection(kind: kind, mark: mark))
    }

    private mutating func add(_ node: YAMLNode) throws(ConfigError) {
        guard var top = stack.popLast() else {
            root = node
            return
        }
        defer { stack.append(top) }
        switch top.kind {
        case .sequence:
            top.items.append(node)
        case .mapping:
            if let key = top.pendingKey {
                top.entries.append(YAMLMappingEntry(key: key.text, keyMark: key.mark, value: node))
                top.pendingKey = nil
            } else {
                guard case .scalar(let scalar) = node.content else {
                    throw error(at: node.mark, "mapping keys must be scalars")
                }
                if let first = top.keyMarks[scalar.text] {
                    throw ConfigError(
                        mark: node.mark,
                        // `top` is popped, so the stack holds only its ancestors: their path is top's path.
                        keyPath: ConfigKeyPath.child(keyPath(stack), key: scalar.text),
                        message: "duplicate key '\(scalar.text)' (first defined at line \(first.line), column \(first.column))"
                    )
                }
                top.keyMarks[scalar.text] = node.mark
                top.pendingKey = (scalar.text, node.mark)
            }
        }
    }

    /// The key path of the next node to arrive inside `collections` (outermost first).
    private func keyPath(_ collections: [OpenCollection]) -> String {
        collections.reduce("") { path, collection in
            switch collection.kind {
            case .sequence: ConfigKeyPath.element(path, index: collection.items.count)
            case .mapping: collection.pendingKey.map { ConfigKeyPath.child(path, key: $0.text) } ?? path
            }
        }
    }

    private func error(at mark: SourceMark, _ message: String) -> ConfigError {
        ConfigError(mark: mark, keyPath: keyPath(stack), message: message)
    }
}
