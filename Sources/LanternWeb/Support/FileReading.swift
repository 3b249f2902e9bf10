import LanternSupport

/// A whole text file, or the reason it cannot be read in Go's words (`open /x: no such file or directory`).
func readTextFile(_ path: String) throws(WebConfigError) -> String {
    do {
        return try KernelFile.read(path)
    } catch {
        let reason = error.reason
        guard let colon = reason.firstIndex(of: ":") else { throw WebConfigError(reason) }
        let call = reason[..<colon]
        let message = reason[reason.index(after: colon)...].drop { $0 == " " }
        throw WebConfigError("\(call) \(path): " + message.prefix(1).lowercased() + message.dropFirst())
    }
}
