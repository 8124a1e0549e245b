extension String {
    /// Upstream words fit to show a caller: the first line, at most 300 characters. Vendors'
    /// error messages end up in HTTP replies and audit rows; a multi-line or huge body must not.
    public var clipped: String {
        let line = split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
