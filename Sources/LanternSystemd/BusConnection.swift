import CSystemd
import Glibc
import Synchronization

/// One connection to a bus, kept across scrapes and opened again when it breaks. sd-bus
/// is not thread-safe: the `sd_bus*` lives behind a lock, and callers use it only inside
/// `withSession`, so concurrent scrapes take turns. Every call has `timeout`.
public final class BusConnection: Sendable {
    public let endpoint: BusEndpoint
    /// Seconds each method call (and connecting) may take.
    public let timeout: Double
    private let description: String
    private let handle = Mutex<BusHandle?>(nil)

    public init(endpoint: BusEndpoint, timeout: Double, description: String = "lantern") {
        self.endpoint = endpoint
        self.timeout = timeout
        self.description = description
    }

    /// Runs `body` with the open connection, opening it first if needed. When a connection
    /// kept from an earlier use turns out broken (the bus or peer restarted), it is opened
    /// again and `body` runs once more: `body` must only read, and return what it read.
    public func withSession<T: Sendable>(_ body: (BusSession) throws(BusError) -> T) throws(BusError) -> T {
        let result: Result<T, BusError> = handle.withLock { current in
            do throws(BusError) {
                return .success(try run(body, on: &current))
            } catch {
                if error.breaksConnection || current.map({ !$0.isUsable }) == true { current = nil }
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func run<T>(_ body: (BusSession) throws(BusError) -> T, on current: inout BusHandle?) throws(BusError) -> T {
        if let kept = current, kept.isUsable {
            do {
                return try body(BusSession(bus: kept, timeout: timeout))
            } catch where error.breaksConnection {
                current = nil
            }
        }
        let fresh = try BusHandle.open(endpoint, timeout: timeout, description: description)
        current = fresh
        return try body(BusSession(bus: fresh, timeout: timeout))
    }

    /// Closes the connection now (the next `withSession` opens a new one).
    public func close() {
        handle.withLock { $0 = nil }
    }
}

/// The calls one `withSession` body may make.
public struct BusSession {
    let bus: BusHandle
    let timeout: Double

    /// Calls `interface.member` on `path` of `destination` with string arguments, and
    /// returns the reply to read.
    public func call(
        destination: String, path: String, interface: String, member: String, arguments: [String] = []
    ) throws(BusError) -> BusMessage {
        let what = "\(interface).\(member) on \(path)"
        var message: OpaquePointer?
        var result = sd_bus_message_new_method_call(bus.pointer, &message, destination, path, interface, member)
        guard result >= 0, let message else { throw BusError(code: result, doing: "creating \(what)") }
        defer { sd_bus_message_unref(message) }
        for argument in arguments {
            result = argument.withCString { sd_bus_message_append_basic(message, CChar(bitPattern: UInt8(ascii: "s")), $0) }
            if result < 0 { throw BusError(code: result, doing: "appending to \(what)") }
        }
        var error = sd_bus_error()
        defer { sd_bus_error_free(&error) }
        var reply: OpaquePointer?
        result = sd_bus_call(bus.pointer, message, BusHandle.microseconds(timeout), &error, &reply)
        guard result >= 0, let reply else { throw BusError(code: result < 0 ? result : -EBADMSG, error: error, doing: "calling \(what)") }
        return BusMessage(adopting: reply)
    }

    /// All properties of `interface` on `path`, in one round trip.
    public func properties(destination: String, path: String, interface: String) throws(BusError) -> BusProperties {
        let reply = try call(
            destination: destination, path: path, interface: "org.freedesktop.DBus.Properties", member: "GetAll",
            arguments: [interface])
        return try reply.readProperties()
    }
}

/// The owned `sd_bus*`; closed when the last reference goes.
// @unchecked: used only while `BusConnection`'s lock is held, by one thread at a time.
final class BusHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) { self.pointer = pointer }
    // Not the flushing variant: flushing first waits for a hung authentication (90 s).
    deinit { sd_bus_close_unref(pointer) }

    var isUsable: Bool { sd_bus_is_open(pointer) > 0 }

    static func microseconds(_ seconds: Double) -> UInt64 {
        // Clamped: a huge flag value must not trap, and 0 would mean sd-bus' 25 s default.
        UInt64(max(1, min(seconds * 1e6, 1e15)))
    }

    /// Opens the first endpoint candidate that answers; otherwise fails naming every
    /// address tried and why each failed.
    static func open(_ endpoint: BusEndpoint, timeout: Double, description: String) throws(BusError) -> BusHandle {
        var failures: [BusError] = []
        for candidate in endpoint.candidates {
            do {
                return try open(address: candidate.address, isBus: candidate.isBus, timeout: timeout, description: description)
            } catch {
                failures.append(error)
            }
        }
        throw BusError(combining: failures)
    }

    private static func open(address: String, isBus: Bool, timeout: Double, description: String) throws(BusError) -> BusHandle {
        let what = "connecting to \(address)"
        // A socket file that is not there cannot be connected to. One system call finds
        // that out, where sd-bus takes eleven (a socket, both buffers sized and read back,
        // the failing connect, close): every scrape, on hosts and containers without
        // systemd or a system bus. The error is the one sd-bus gives.
        if let path = BusEndpoint.socketPath(of: address), access(path, F_OK) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw BusError(code: -code, doing: what) }
        }
        var raw: OpaquePointer?
        var result = sd_bus_new(&raw)
        guard result >= 0, let raw else { throw BusError(code: result, doing: "creating a bus connection") }
        let handle = BusHandle(pointer: raw)
        result = sd_bus_set_address(raw, address)
        if result >= 0 { result = sd_bus_set_bus_client(raw, isBus ? 1 : 0) }
        if result >= 0 { result = sd_bus_set_description(raw, description) }
        if result >= 0 { result = sd_bus_set_method_call_timeout(raw, microseconds(timeout)) }
        if result >= 0 { result = sd_bus_start(raw) }
        if result < 0 { throw BusError(code: result, doing: what) }
        try handle.waitUntilReady(timeout: timeout, what: what)
        return handle
    }

    /// sd_bus_start only begins authentication (and Hello); drives it to the end here so
    /// that a peer that accepts but never authenticates costs `timeout`, not sd-bus' 90 s.
    private func waitUntilReady(timeout: Double, what: String) throws(BusError) {
        let deadline = Self.now() + timeout
        while true {
            var result = sd_bus_is_ready(pointer)
            if result > 0 { return }
            if result < 0 { throw BusError(code: result, doing: what) }
            let left = deadline - Self.now()
            if left <= 0 { throw BusError(name: "", message: "\(what): timed out", errno: ETIMEDOUT) }
            result = sd_bus_process(pointer, nil)
            if result < 0 { throw BusError(code: result, doing: what) }
            if result == 0 {
                result = sd_bus_wait(pointer, Self.microseconds(left))
                if result < 0 { throw BusError(code: result, doing: what) }
            }
        }
    }

    /// Monotonic seconds, for timeouts.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
