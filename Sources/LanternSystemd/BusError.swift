import CSystemd
import Glibc

/// A failed bus operation: the D-Bus error name and message when the peer (or sd-bus on
/// its behalf, such as `org.freedesktop.DBus.Error.Timeout`) gave one, and
/// the errno sd-bus returned.
public struct BusError: Error, CustomStringConvertible, Sendable, Equatable {
    /// D-Bus error name, such as `org.freedesktop.DBus.Error.ServiceUnknown`; empty when
    /// the failure happened below D-Bus (socket, protocol).
    public let name: String
    public let message: String
    /// Positive errno value; 0 when only a D-Bus error is known.
    public let errno: Int32

    public init(name: String, message: String, errno: Int32) {
        self.name = name
        self.message = message
        self.errno = errno
    }

    /// From a negative sd-bus return value and the error structure it may have filled.
    init(code: Int32, error: sd_bus_error? = nil, doing what: String) {
        let errnoValue = code < 0 ? -code : code
        var name = ""
        var message = ""
        if let error, let errorName = error.name {
            name = String(cString: errorName)
            if let text = error.message { message = String(cString: text) }
        }
        if message.isEmpty { message = String(cString: strerror(errnoValue)) }
        self.init(name: name, message: "\(what): \(message)", errno: errnoValue)
    }

    /// The failures of every address tried, in order, as one: each one's text, the last
    /// one's name and errno.
    init(combining failures: [BusError]) {
        guard let last = failures.last else {
            self.init(name: "", message: "no bus address", errno: EINVAL)
            return
        }
        let message = (failures.dropLast().map(\.description) + [last.message]).joined(separator: "; ")
        self.init(name: last.name, message: message, errno: last.errno)
    }

    /// The call did not get an answer within the timeout.
    public var isTimeout: Bool {
        errno == ETIMEDOUT || name == "org.freedesktop.DBus.Error.Timeout" || name == "org.freedesktop.DBus.Error.NoReply"
    }

    /// The connection cannot carry further calls: it is dropped and opened again.
    var breaksConnection: Bool {
        [ECONNRESET, ENOTCONN, EPIPE, ECONNREFUSED, ESHUTDOWN, ENOENT, EBADF].contains(errno)
    }

    public var description: String { name.isEmpty ? message : "\(name): \(message)" }
}
