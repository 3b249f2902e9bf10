import LanternFlags
import LanternScrape
import Yams

/// A YAML node with its key path, read strictly: every accessor names the path and the
/// line in its error, and a mapping rejects keys its reader does not know.
struct YAMLValue {
    let node: Node
    let path: String

    var line: Int { node.mark?.line ?? 0 }

    func error(_ message: String) -> ConfigError { ConfigError(path: path, line: line, message: message) }

    var isNull: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string) && scalar.style == .plain
    }

    /// The mapping's entries after checking every key is among `allowed`.
    func mapping(allowed: Set<String>) throws(ConfigError) -> [String: YAMLValue] {
        if isNull { return [:] }
        guard case .mapping(let mapping) = node else { throw error("expected a mapping") }
        var fields: [String: YAMLValue] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            let child = YAMLValue(node: value, path: path.isEmpty ? name : path + "." + name)
            guard allowed.contains(name) else {
                throw ConfigError(path: child.path, line: key.mark?.line ?? 0, message: "field \(name) not found (unknown key)")
            }
            guard fields[name] == nil else {
                throw ConfigError(path: child.path, line: key.mark?.line ?? 0, message: "field \(name) already set")
            }
            fields[name] = child
        }
        return fields
    }

    func sequence() throws(ConfigError) -> [YAMLValue] {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { YAMLValue(node: $1, path: "\(path)[\($0)]") }
    }

    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a string") }
        return isNull ? "" : scalar.string
    }

    func bool() throws(ConfigError) -> Bool {
        switch try string() {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        case let other: throw error("cannot unmarshal \(other) into a boolean")
        }
    }

    func integer() throws(ConfigError) -> Int {
        let text = try string()
        guard let value = Int(text) else { throw error("cannot unmarshal \(text) into an integer") }
        return value
    }

    /// Prometheus' `model.Duration` (`15s`, `1m`, `1h30m`, `1d`), in milliseconds.
    func duration() throws(ConfigError) -> Int64 {
        let text = try string()
        do { return try parseModelDuration(text) } catch { throw self.error("not a valid duration string: \(goQuoted(text))") }
    }

    func strings() throws(ConfigError) -> [String] {
        var result: [String] = []
        for item in try sequence() { result.append(try item.string()) }
        return result
    }

    /// A mapping of label names to values; names must be valid label names.
    func labelMap() throws(ConfigError) -> [String: String] {
        if isNull { return [:] }
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of label names to values") }
        var labels: [String: String] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            let child = YAMLValue(node: value, path: path + "." + name)
            guard LabelName.isValid(name) else { throw child.error("\(goQuoted(name)) is not a valid label name") }
            labels[name] = try child.string()
        }
        return labels
    }
}

func goQuoted(_ text: String) -> String { "\"" + text + "\"" }
