import Glibc
import LanternSupport

extension KernelFile {
    /// Whether `path` is a directory itself, not a link to one: the entries Go's
    /// `os.ReadDir`/`ioutil.ReadDir` report as directories (they do not follow links).
    public static func isRealDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
