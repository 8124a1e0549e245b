import Foundation

/// Whether a file is a whole 64-bit little-endian ELF object: the header is there, and every
/// program and section header, and every segment, lies within the file. A library still being
/// copied into place fails this, so it is never handed to `dlopen` (which may crash on a
/// truncated image rather than refuse it). What this cannot tell: a file of full length whose
/// bytes are still zero — the sha256 pin is the check for that.
enum ELFCompleteness {
    /// nil when complete; otherwise why not, for the load error and the watcher's log.
    static func problem(in contents: Data) -> String? {
        let size = UInt64(contents.count)
        guard size >= 64, contents.prefix(4) == Data([0x7F, 0x45, 0x4C, 0x46]) else { return "not an ELF file (or cut short)" }
        guard contents[contents.startIndex + 4] == 2, contents[contents.startIndex + 5] == 1 else {
            return "not a 64-bit little-endian ELF file"
        }
        func u16(_ offset: UInt64) -> UInt64 { UInt64(read(contents, offset, 2)) }
        func u64(_ offset: UInt64) -> UInt64 { read(contents, offset, 8) }
        let (phoff, phentsize, phnum) = (u64(32), u16(54), u16(56))
        let (shoff, shentsize, shnum) = (u64(40), u16(58), u16(60))
        guard phoff.addingReportingOverflow(phentsize * phnum).partialValue <= size, phoff <= size else {
            return "its program headers end past the end of the file (\(size) bytes): truncated"
        }
        guard shnum == 0 || (shoff <= size && shoff + shentsize * shnum <= size) else {
            return "its section headers end past the end of the file (\(size) bytes): truncated"
        }
        for index in 0..<phnum {
            let header = phoff + index * phentsize
            guard phentsize >= 40, header + 40 <= size else { return "program header \(index) is cut short" }
            let (offset, fileSize) = (u64(header + 8), u64(header + 32))
            let (end, overflow) = offset.addingReportingOverflow(fileSize)
            guard !overflow, end <= size else {
                return "segment \(index) ends at byte \(end), past the end of the file (\(size) bytes): truncated"
            }
        }
        return nil
    }

    private static func read(_ data: Data, _ offset: UInt64, _ count: Int) -> UInt64 {
        guard offset + UInt64(count) <= UInt64(data.count) else { return UInt64.max / 4 }
        var value: UInt64 = 0
        for byte in 0..<count {
            value |= UInt64(data[data.startIndex + Int(offset) + byte]) << (8 * UInt64(byte))
        }
        return value
    }
}
