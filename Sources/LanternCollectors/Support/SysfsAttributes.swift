import Glibc
import LanternSupport

/// Reading of sysfs attribute files the way prometheus/procfs does (`util.SysReadFile`
/// trims surrounding whitespace), with helpers for optional attributes.
extension KernelFile {
    /// The trimmed content of an attribute.
    public static func attribute(_ path: String) throws(KernelFileError) -> String {
        // `withCString` hands a native string's own bytes over; the implicit conversion
        // to a C pointer copied each path into a new array (~300 instructions a file).
        let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw systemCallError(path, "open") }
        defer { close(descriptor) }
        guard let content = readTrimmedAttribute(descriptor) else { throw systemCallError(path, "read") }
        return content
    }

    /// The content of an open attribute file without surrounding ASCII whitespace, in one
    /// read(2) when it is shorter than the buffer: sysfs renders an attribute whole (at
    /// most a page) on the first read, as a regular file gives all it has, so the read that
    /// `readToEnd` makes to see end of file would only return 0 (a sixth of the system
    /// calls of a sysfs-heavy scrape). Longer content is read on to end of file. Not for
    /// procfs, whose files come a record at a time.
    static func readTrimmedAttribute(_ descriptor: Int32) -> String? {
        // A byte more than a page, so that a whole-page attribute still takes one read.
        let bufferSize = 4097
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bufferSize) { buffer -> String? in
            var count: Int
            repeat { count = Glibc.read(descriptor, buffer.baseAddress, bufferSize) } while count < 0 && errno == EINTR
            guard count >= 0 else { return nil }
            if count < bufferSize {
                // Trimmed in the buffer, so the one String made is the value: trimming a
                // decoded String (a Substring, then a copy) cost ~900 instructions an
                // attribute. ASCII whitespace bytes never belong to a multi-byte sequence,
                // so this gives what decoding and then trimming gives.
                var start = 0, end = count
                while start < end, isASCIISpace(buffer[start]) { start += 1 }
                while end > start, isASCIISpace(buffer[end - 1]) { end -= 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
            }
            guard let rest = readToEnd(descriptor) else { return nil }
            return String(trimmed((String(decoding: buffer, as: UTF8.self) + rest)[...]))
        }
    }

    /// The trimmed content of an attribute, or nil when the file does not exist.
    public static func optionalAttribute(_ path: String) throws(KernelFileError) -> String? {
        do {
            return try attribute(path)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// The trimmed content of the attributes `names` of `directory`, in the order of
    /// `names`: nil for files that do not exist or that the kernel refuses to read, which
    /// procfs leaves out when it reads a class directory. Only the named files are opened:
    /// a network interface has ~30 attributes and a collector exposes fewer, and opening a
    /// sysfs file costs the kernel more than anything done with its bytes. Files are opened
    /// relative to the directory, so no path is built per file; values come by position,
    /// as a dictionary by name cost ~1000 instructions an attribute to fill and look up.
    public static func readableAttributes(_ names: [String], of directory: String) throws(KernelFileError) -> [String?] {
        let directoryDescriptor = directory.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard directoryDescriptor >= 0 else { throw systemCallError(directory, "open") }
        defer { close(directoryDescriptor) }
        var values: [String?] = []
        values.reserveCapacity(names.count)
        for name in names {
            let file = name.withCString { openat(directoryDescriptor, $0, O_RDONLY | O_CLOEXEC) }
            guard file >= 0 else {
                values.append(nil)
                continue
            }
            values.append(readTrimmedAttribute(file))
            close(file)
        }
        return values
    }

    /// Runs a pure parser on text already read from `path`; failures name the file.
    public static func parse<Value>(
        _ text: String, from path: String, with parser: (String) throws(KernelParseError) -> Value
    ) throws(KernelFileError) -> Value {
        do {
            return try parser(text)
        } catch {
            throw KernelFileError(path: path, reason: error.reason)
        }
    }

    /// The entries of a directory, or nil when it does not exist (hardware absent).
    public static func entriesIfPresent(of path: String) throws(KernelFileError) -> [String]? {
        do {
            return try entries(of: path)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// Whether `path` is a directory (following symlinks, as Go's `os.Stat`).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` itself is a regular file (not following a final symlink, as Go's
    /// `DirEntry.Type().IsRegular()`).
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The target of a symlink resolved to a canonical path, as Go's `filepath.EvalSymlinks`
    /// (nil when `path` does not exist).
    public static func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension KernelFileError {
    /// The failures node_exporter turns into "no data" for sysfs classes (`os.ErrNotExist`,
    /// `os.ErrPermission`, `os.ErrInvalid`): the hardware is absent or not readable.
    public var meansNoData: Bool {
        [ENOENT, EACCES, EPERM, EINVAL].contains(errno ?? 0)
    }

    /// Readable by root only (`os.ErrPermission`).
    public var isForbidden: Bool {
        [EACCES, EPERM].contains(errno ?? 0)
    }

    /// An attribute the driver cannot report right now (ENODATA, EINVAL, EOPNOTSUPP, ENXIO,
    /// EAGAIN), or that is not there: procfs skips such power supply attributes.
    public var isUnsupportedAttribute: Bool {
        [ENOENT, ENODATA, EINVAL, EOPNOTSUPP, ENXIO, EAGAIN].contains(errno ?? 0)
    }

    /// The kernel has no data for this attribute (ENODATA).
    public var isNoData: Bool { errno == ENODATA }

    /// Not there, or not readable by this user (`os.ErrNotExist`, `os.ErrPermission`).
    public var isAbsentOrForbidden: Bool {
        [ENOENT, EACCES, EPERM].contains(errno ?? 0)
    }
}

/// Go's `strconv.ParseInt(text, 0, 64)` as procfs's `ValueParser.PInt64` uses it.
func parseGoInt64(_ text: Substring, field: String) throws(KernelParseError) -> Int64 {
    do {
        return try goParseInt64(text)
    } catch .syntax {
        throw KernelParseError("invalid \(field) \"\(text)\": not an integer")
    } catch {
        throw KernelParseError("invalid \(field) \"\(text)\": out of range")
    }
}
