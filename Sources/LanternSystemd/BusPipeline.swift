import CSystemd
import Glibc

/// One `org.freedesktop.DBus.Properties.Get` for `BusSession.getProperties`.
public struct PropertyRequest: Sendable, Equatable {
    public var path: String
    public var interface: String
    public var name: String

    public init(path: String, interface: String, name: String) {
        self.path = path
        self.interface = interface
        self.name = name
    }
}

extension BusSession {
    /// How many calls may wait for an answer at once: well under dbus-daemon's default
    /// limit of pending replies per connection.
    public static let pipelineWindow = 32

    /// Many `Properties.Get` calls to `destination`, pipelined: up to `window` are sent
    /// before the first answer is read, instead of one round trip (two context switches
    /// of the exporter and of systemd) per call. Results come back in request order; a
    /// D-Bus error answer (unknown property, vanished unit) is that request's failure.
    /// A failure of the connection itself throws. Each call has the session's timeout,
    /// counted here (sd-bus does not wake `sd_bus_wait` for them); a call that runs out
    /// of it fails with ETIMEDOUT and is cancelled.
    public func getProperties(
        _ requests: [PropertyRequest], destination: String, window: Int = pipelineWindow
    ) throws(BusError) -> [Result<BusValue, BusError>] {
        let pending = PendingReplies(count: requests.count)
        // Owned slots: dropping them cancels calls still waiting, so no callback can run
        // after `pending` is gone, whatever ends this function.
        var slots: [OpaquePointer?] = []
        slots.reserveCapacity(requests.count)
        defer { for slot in slots { sd_bus_slot_unref(slot) } }
        var deadlines: [Double] = []
        deadlines.reserveCapacity(requests.count)

        var oldest = 0
        while pending.answered < requests.count {
            while slots.count < requests.count && slots.count - pending.answered < max(1, window) {
                slots.append(try send(requests[slots.count], destination: destination, replyTo: pending.slot(slots.count)))
                deadlines.append(BusHandle.now() + timeout)
            }
            let processed = sd_bus_process(bus.pointer, nil)
            if processed < 0 { throw BusError(code: processed, doing: "reading answers to Properties.Get") }
            if processed > 0 { continue }
            // Calls go out in order with the same timeout: the oldest unanswered expires first.
            while oldest < slots.count && pending.isAnswered(oldest) { oldest += 1 }
            guard oldest < slots.count else { continue }
            let left = deadlines[oldest] - BusHandle.now()
            if left <= 0 {
                sd_bus_slot_unref(slots[oldest])
                slots[oldest] = nil
                pending.expire(oldest)
                continue
            }
            let waited = sd_bus_wait(bus.pointer, BusHandle.microseconds(left))
            if waited < 0 && waited != -EINTR { throw BusError(code: waited, doing: "waiting for answers to Properties.Get") }
        }
        return requests.indices.map { index in pending.result(index, for: requests[index]) }
    }

    private func send(_ request: PropertyRequest, destination: String, replyTo slot: UnsafeMutableRawPointer) throws(BusError) -> OpaquePointer? {
        let what = "Properties.Get \(request.interface).\(request.name) on \(request.path)"
        var message: OpaquePointer?
        var result = sd_bus_message_new_method_call(
            bus.pointer, &message, destination, request.path, "org.freedesktop.DBus.Properties", "Get")
        guard result >= 0, let message else { throw BusError(code: result, doing: "creating \(what)") }
        defer { sd_bus_message_unref(message) }
        for argument in [request.interface, request.name] {
            result = argument.withCString { sd_bus_message_append_basic(message, CChar(bitPattern: UInt8(ascii: "s")), $0) }
            if result < 0 { throw BusError(code: result, doing: "appending to \(what)") }
        }
        var callSlot: OpaquePointer?
        result = sd_bus_call_async(bus.pointer, &callSlot, message, storeReply, slot, BusHandle.microseconds(timeout))
        if result < 0 { throw BusError(code: result, doing: "sending \(what)") }
        return callSlot
    }
}

/// Where the answers of one `getProperties` land: one referenced reply per request.
private final class PendingReplies {
    struct Slot {
        var reply: OpaquePointer?
        /// Answered, or given up on after the timeout.
        var isDone = false
        /// Back to the owner, to count answers.
        unowned(unsafe) var owner: PendingReplies
    }

    private let slots: UnsafeMutablePointer<Slot>
    private let count: Int
    var answered = 0

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        for index in 0..<count { (slots + index).initialize(to: Slot(reply: nil, owner: self)) }
    }

    deinit {
        for index in 0..<count where slots[index].reply != nil { sd_bus_message_unref(slots[index].reply) }
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func slot(_ index: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(slots + index) }

    func isAnswered(_ index: Int) -> Bool { slots[index].isDone }

    /// Gives up on a call whose timeout passed (its sd-bus slot is already dropped).
    func expire(_ index: Int) {
        slots[index].isDone = true
        answered += 1
    }

    func result(_ index: Int, for request: PropertyRequest) -> Result<BusValue, BusError> {
        guard let reply = slots[index].reply else {
            return .failure(BusError(
                name: "", message: "Properties.Get \(request.interface).\(request.name) on \(request.path): timed out",
                errno: ETIMEDOUT))
        }
        if let error = sd_bus_message_get_error(reply), error.pointee.name != nil {
            let code = sd_bus_error_get_errno(error)
            return .failure(BusError(
                code: code > 0 ? -code : -EIO, error: error.pointee,
                doing: "Properties.Get \(request.interface).\(request.name) on \(request.path)"))
        }
        sd_bus_message_ref(reply)
        let message = BusMessage(adopting: reply)
        return Result { () throws(BusError) in try message.readVariant() }
    }
}

/// sd-bus calls this (on the thread running `sd_bus_process`) with each answer.
private let storeReply: sd_bus_message_handler_t = { reply, userdata, _ in
    guard let userdata else { return 0 }
    let slot = userdata.assumingMemoryBound(to: PendingReplies.Slot.self)
    guard !slot.pointee.isDone else { return 0 }
    slot.pointee.reply = reply.map { sd_bus_message_ref($0) }
    slot.pointee.isDone = true
    slot.pointee.owner.answered += 1
    return 0
}
