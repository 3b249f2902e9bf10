import LanternSupport

/// Reads `class/dmi/id` as procfs `DMIClass` does: every regular file but `modalias`
/// and `uevent`, trimmed; files only root may read (serials, uuid) are left out.
public enum SysfsDMI {
    /// Attribute values by file name; nil when the directory does not exist.
    public static func read(directory: String) throws(KernelFileError) -> [String: String]? {
        guard let names = try KernelFile.entriesIfPresent(of: directory) else { return nil }
        var attributes: [String: String] = [:]
        for name in names where name != "modalias" && name != "uevent" {
            let path = directory + "/" + name
            guard KernelFile.isRegularFile(path), let value = try readableAttribute(path) else { continue }
            attributes[name] = value
        }
        return attributes
    }

    private static func readableAttribute(_ path: String) throws(KernelFileError) -> String? {
        do {
            return try KernelFile.attribute(path)
        } catch where error.isForbidden {
            return nil
        }
    }
}
