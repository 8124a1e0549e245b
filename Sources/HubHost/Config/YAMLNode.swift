/// One node of a parsed YAML document, with where it starts so every later error can point at it.
/// Deliberately small: anchors, aliases and tags are refused by the parser, so none appear here.
struct YAMLNode: Sendable {
    enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        /// Entries in file order; keys are unique (the parser refuses duplicates).
        case mapping([YAMLMappingEntry])
    }

    var content: Content
    var mark: SourceMark
}

struct YAMLScalar: Sendable, Equatable {
    /// The text as written (after YAML unquoting and folding).
    var text: String
    /// What the text means: plain scalars are resolved, quoted ones are always strings.
    var value: YAMLScalarValue
}

struct YAMLMappingEntry: Sendable {
    var key: String
    var keyMark: SourceMark
    var value: YAMLNode
}
