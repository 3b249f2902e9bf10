#if canImport(Glibc)
import Glibc
#endif
import LanternSupport
import Logging

/// `--log.format`: Go slog's TextHandler (logfmt) or JSONHandler lines, as Prometheus' promslog
/// configures them for node_exporter 1.9+ and Prometheus 3.
public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}

/// The swift-log level for a `--log.level` value (`debug`, `info`, `warn`, `error`).
public func logLevel(fromFlagValue value: String) -> Logger.Level? {
    switch value {
    case "debug": .debug
    case "info": .info
    case "warn": .warning
    case "error": .error
    default: nil
    }
}

/// A wall-clock instant: seconds and nanoseconds since the Unix epoch.
public struct WallClockTime: Sendable, Equatable {
    public var seconds: Int
    public var nanoseconds: Int
    public init(seconds: Int, nanoseconds: Int) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func now() -> WallClockTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallClockTime(seconds: spec.tv_sec, nanoseconds: spec.tv_nsec)
    }
}

/// Installs `PromLogHandler` for the whole process from the `--log.format` and
/// `--log.level` values; the flag parser has already checked them against their lists.
public func bootstrapPromLogging(format formatValue: String, level levelValue: String) {
    let format = LogFormat(rawValue: formatValue) ?? .logfmt
    let level = logLevel(fromFlagValue: levelValue) ?? .info
    LoggingSystem.bootstrap { _ in PromLogHandler(format: format, level: level) }
}

/// Writes `bytes` to standard error, in one write(2) unless the kernel takes less, so lines
/// from concurrent loggers do not interleave.
public func writeToStandardError(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return  // Nowhere left to report a failure to log.
            }
        }
    }
}

/// A swift-log handler printing promslog's line formats:
///
///     time=2025-01-02T03:04:05.678Z level=INFO source=main.swift:42 msg="Listening on" address=[::]:9100
///     {"time":"2025-01-02T03:04:05.678Z","level":"INFO","source":"main.swift:42","msg":"Listening on","address":"[::]:9100"}
///
/// Attributes follow `msg`: the logger's metadata (with the metadata provider's) in key order,
/// then the call site's in key order; a call-site key replaces a logger key of the same name.
/// A `LogEvent` error is appended as `err`, promslog's key for errors.
public struct PromLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    public let format: LogFormat
    private let clock: @Sendable () -> WallClockTime
    private let sink: @Sendable ([UInt8]) -> Void

    public init(
        format: LogFormat, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        clock: @escaping @Sendable () -> WallClockTime = WallClockTime.now,
        sink: @escaping @Sendable ([UInt8]) -> Void = writeToStandardError
    ) {
        self.format = format
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.clock = clock
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink(Array(formatLine(event).utf8))
    }

    /// One record as a full line, newline included.
    func formatLine(_ event: LogEvent) -> String {
        var attributes: [(key: String, value: Logger.Metadata.Value)] = []
        var loggerMetadata = metadata
        if let provided = metadataProvider?.get() { loggerMetadata.merge(provided) { $1 } }
        let callSiteMetadata = event.metadata ?? [:]
        for key in loggerMetadata.keys.sorted() where callSiteMetadata[key] == nil {
            attributes.append((key, loggerMetadata[key]!))
        }
        for key in callSiteMetadata.keys.sorted() {
            attributes.append((key, callSiteMetadata[key]!))
        }
        if let error = event.error {
            attributes.append(("err", .string(String(describing: error))))
        }

        let time = clock()
        let level = slogLevelName(event.level)
        let source = "\(baseName(event.file)):\(event.line)"
        switch format {
        case .logfmt:
            var line = "time=\(rfc3339(time, fractionDigits: .milliseconds)) level=\(level)"
            line += " source=\(logfmtString(source)) msg=\(logfmtString(event.message.description))"
            for (key, value) in attributes {
                line += " \(logfmtString(key))=\(logfmtString(goFormatted(value)))"
            }
            return line + "\n"
        case .json:
            var line = "{\"time\":\"\(rfc3339(time, fractionDigits: .nanosecondsTrimmed))\",\"level\":\"\(level)\""
            line += ",\"source\":\(jsonString(source)),\"msg\":\(jsonString(event.message.description))"
            for (key, value) in attributes {
                line += ",\(jsonString(key)):\(jsonValue(value))"
            }
            return line + "}\n"
        }
    }
}

/// slog has four levels; swift-log's extra ones fold into their neighbours.
private func slogLevelName(_ level: Logger.Level) -> String {
    switch level {
    case .trace, .debug: "DEBUG"
    case .info, .notice: "INFO"
    case .warning: "WARN"
    case .error, .critical: "ERROR"
    }
}

/// slog's `source` is the file's base name (promslog strips the directory).
private func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

enum FractionDigits {
    /// slog TextHandler: always three digits.
    case milliseconds
    /// slog JSONHandler (RFC3339Nano): up to nine digits, trailing zeros and a bare dot dropped.
    case nanosecondsTrimmed
}

/// The UTC instant in RFC 3339 with a `Z` suffix, computed with gmtime_r.
func rfc3339(_ time: WallClockTime, fractionDigits: FractionDigits) -> String {
    var seconds = time_t(time.seconds)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    var text = padded(Int(parts.tm_year) + 1900, 4) + "-" + padded(Int(parts.tm_mon) + 1, 2) + "-"
        + padded(Int(parts.tm_mday), 2) + "T" + padded(Int(parts.tm_hour), 2) + ":"
        + padded(Int(parts.tm_min), 2) + ":" + padded(Int(parts.tm_sec), 2)
    switch fractionDigits {
    case .milliseconds:
        text += "." + padded(time.nanoseconds / 1_000_000, 3)
    case .nanosecondsTrimmed:
        var fraction = Substring(padded(time.nanoseconds, 9))
        while fraction.last == "0" { fraction = fraction.dropLast() }
        if !fraction.isEmpty { text += "." + fraction }
    }
    return text + "Z"
}

/// A metadata value as Go's fmt prints the matching Go value: slices `[a b]`, maps `map[k:v]`
/// with sorted keys.
private func goFormatted(_ value: Logger.Metadata.Value) -> String {
    switch value {
    case .string(let text): text
    case .stringConvertible(let convertible): convertible.description
    case .array(let elements): "[" + elements.map(goFormatted).joined(separator: " ") + "]"
    case .dictionary(let dictionary):
        "map[" + dictionary.keys.sorted().map { "\($0):\(goFormatted(dictionary[$0]!))" }.joined(separator: " ") + "]"
    }
}

/// slog TextHandler: a string is written bare unless it is empty or holds a space, `=`, `"`, a
/// control character, or a non-ASCII space or unprintable character; then it is Go-quoted.
func logfmtString(_ text: String) -> String {
    needsQuoting(text) ? goQuote(text) : text
}

private func needsQuoting(_ text: String) -> Bool {
    if text.isEmpty { return true }
    for scalar in text.unicodeScalars {
        if scalar.isASCII {
            // A backslash alone does not need quoting, unlike in JSON.
            if scalar == " " || scalar == "=" || scalar == "\"" || scalar.value < 0x20 { return true }
        } else if scalar.properties.isWhitespace || !isGoPrintable(scalar) {
            return true
        }
    }
    return false
}

private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// slog JSONHandler string escaping: `"` and `\` escaped, `\n \r \t` by name, other control
/// characters as `\u00XX`, U+2028/U+2029 escaped; HTML characters left alone.
func jsonString(_ text: String) -> String {
    var escaped = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "\n": escaped += "\\n"
        case "\r": escaped += "\\r"
        case "\t": escaped += "\\t"
        case "\u{2028}": escaped += "\\u2028"
        case "\u{2029}": escaped += "\\u2029"
        default:
            if scalar.value < 0x20 {
                escaped += "\\u00" + hex(scalar.value, width: 2)
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
    }
    return escaped + "\""
}

/// Numbers and bools bare as slog writes Go numbers; arrays and dictionaries as JSON arrays and
/// objects (keys sorted, as encoding/json sorts map keys); everything else as a string.
private func jsonValue(_ value: Logger.Metadata.Value) -> String {
    switch value {
    case .string(let text):
        return jsonString(text)
    case .stringConvertible(let convertible):
        switch convertible {
        case let flag as Bool: return flag ? "true" : "false"
        case let integer as any BinaryInteger: return String(describing: integer)
        case let number as Double where number.isFinite:
            // Go prints integral floats without a fraction (1, not 1.0).
            if number == number.rounded() && abs(number) < 1e21 { return String(Int64(number)) }
            return number.description
        default: return jsonString(convertible.description)
        }
    case .array(let elements):
        return "[" + elements.map(jsonValue).joined(separator: ",") + "]"
    case .dictionary(let dictionary):
        return "{" + dictionary.keys.sorted().map { "\(jsonString($0)):\(jsonValue(dictionary[$0]!))" }
            .joined(separator: ",") + "}"
    }
}
