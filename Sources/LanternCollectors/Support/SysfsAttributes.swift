import Glibc
import LanternSupport

/// Reading of sysfs attribute files the way prometheus/procfs does (`util.SysReadFile`
/// trims surrounding whitespace), with helpers for optional attributes.
extension KernelFile {
    /// The trimmed content of an attribute.
    public static func attribute(_ path: String) throws(KernelFileError) -> String {
        String(trimmed(try read(path)[...]))
    }

    /// The trimmed content of an attribute, or nil when the file does not exist.
    public static func optionalAttribute(_ path: String) throws(KernelFileError) -> String? {
        do {
            return try attribute(path)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// The trimmed content of every readable attribute of `directory` (each entry that is
    /// not a directory, following links), by name, as procfs reads a class directory:
    /// files the kernel refuses to read are left out. Entries are opened relative to the
    /// directory and typed by `readdir`, so no path is built and no `stat` made per
    /// regular file.
    public static func readableAttributes(of directory: String) throws(KernelFileError) -> [String: String] {
        guard let stream = opendir(directory) else { throw systemCallError(directory, "opendir") }
        defer { closedir(stream) }
        let directoryDescriptor = dirfd(stream)
        var attributes: [String: String] = [:]
        while let entry = readdir(stream) {
            let type = entry.pointee.d_type
            if type == UInt8(DT_DIR) { continue }
            let value: String? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let name = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                if type != UInt8(DT_REG) {
                    var info = stat()
                    guard fstatat(directoryDescriptor, name, &info, 0) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { return nil }
                }
                let file = openat(directoryDescriptor, name, O_RDONLY | O_CLOEXEC)
                guard file >= 0 else { return nil }
                defer { close(file) }
                return readToEnd(file).map { String(trimmed($0[...])) }
            }
            guard let value else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            attributes[name] = value
        }
        return attributes
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
