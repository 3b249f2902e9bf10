import LanternFlags
import LanternPromQL
import LanternScrape
import Yams

/// Reads a rule file strictly, as Prometheus' rulefmt: unknown keys are decoding errors,
/// then every group and rule is validated and *all* problems are reported, each with the
/// line and column of the node at fault.
public enum RuleFileParser {
    public static func parse(_ text: String, path: String) -> Result<RuleFile, RuleFileErrors> {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            return .failure(RuleFileErrors([RuleFileError(line: 0, column: 0, message: "yaml: \(error)")]))
        }
        var file = RuleFile(path: path, groups: [])
        guard let root else { return .success(file) }
        var errors: [RuleFileError] = []
        do {
            let top = try StrictMapping(root, type: "rulefmt.RuleGroups", allowed: ["groups"])
            var seenNames = Set<String>()
            for groupNode in try top["groups"].map(sequence) ?? [] {
                let (group, nameNode) = try parseGroup(groupNode, errors: &errors)
                if group.name.isEmpty {
                    errors.append(RuleFileError(line: line(nameNode), column: column(nameNode), message: "Groupname must not be empty"))
                } else if !seenNames.insert(group.name).inserted {
                    errors.append(RuleFileError(line: line(nameNode), column: column(nameNode), message: "groupname: \"\(group.name)\" is repeated in the same file"))
                }
                file.groups.append(group)
            }
        } catch let error as RuleFileError {
            return .failure(RuleFileErrors([error]))
        } catch {
            return .failure(RuleFileErrors([RuleFileError(line: 0, column: 0, message: "\(error)")]))
        }
        return errors.isEmpty ? .success(file) : .failure(RuleFileErrors(errors))
    }

    /// The group and its `name` node, which group-level errors point at.
    private static func parseGroup(_ node: Node, errors: inout [RuleFileError]) throws -> (RuleGroupSpec, Node) {
        let fields = try StrictMapping(node, type: "rulefmt.RuleGroup", allowed: ["name", "interval", "query_offset", "limit", "labels", "rules"])
        var group = RuleGroupSpec(name: try fields["name"].map(scalar) ?? "", interval: nil, queryOffset: nil, limit: 0, labels: [:], rules: [])
        group.interval = try fields["interval"].map(duration)
        group.queryOffset = try fields["query_offset"].map(duration)
        if let limit = fields["limit"] {
            guard let value = Int(try scalar(limit)) else { throw decodingError(limit, "cannot unmarshal \(try scalar(limit)) into int") }
            group.limit = value
        }
        group.labels = try fields["labels"].map(stringMap) ?? [:]
        let ruleNodes = try fields["rules"].map(sequence) ?? []
        for (index, ruleNode) in ruleNodes.enumerated() {
            let (rule, problems) = try RuleValidator.parse(ruleNode)
            for var problem in problems {
                problem.group = group.name
                problem.ruleIndex = index + 1
                problem.ruleName = rule.name
                errors.append(problem)
            }
            group.rules.append(rule)
        }
        return (group, fields["name"] ?? node)
    }

    static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }
    static func column(_ node: Node) -> Int { node.mark?.column ?? 0 }

    static func decodingError(_ node: Node, _ message: String) -> RuleFileError {
        RuleFileError(line: line(node), column: column(node), message: message)
    }

    static func scalar(_ node: Node) throws -> String {
        guard case .scalar(let value) = node else { throw decodingError(node, "yaml: unmarshal errors:\n  line \(line(node)): cannot unmarshal !!\(kindName(node)) into string") }
        return value.string
    }

    static func sequence(_ node: Node) throws -> [Node] {
        if case .scalar(let value) = node, value.string.isEmpty || value.string == "null" || value.string == "~" { return [] }
        guard case .sequence(let items) = node else { throw decodingError(node, "yaml: unmarshal errors:\n  line \(line(node)): cannot unmarshal !!\(kindName(node)) into a list") }
        return Array(items)
    }

    static func duration(_ node: Node) throws -> Int64 {
        let text = try scalar(node)
        do { return try parseModelDuration(text) } catch { throw decodingError(node, "not a valid duration string: \"\(text)\"") }
    }

    /// Labels and annotations: names are checked by the rule validator, which knows the rule.
    static func stringMap(_ node: Node) throws -> [String: String] {
        if case .scalar(let value) = node, value.string.isEmpty || value.string == "null" { return [:] }
        guard case .mapping(let mapping) = node else { throw decodingError(node, "yaml: unmarshal errors:\n  line \(line(node)): cannot unmarshal !!\(kindName(node)) into map[string]string") }
        var result: [String: String] = [:]
        for (key, value) in mapping { result[try scalar(key)] = try scalar(value) }
        return result
    }

    private static func kindName(_ node: Node) -> String {
        switch node {
        case .scalar: return "str"
        case .mapping: return "map"
        case .sequence: return "seq"
        case .alias: return "alias"
        }
    }
}

/// All problems of one file, one per line as promtool prints them.
public struct RuleFileErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [RuleFileError]
    init(_ errors: [RuleFileError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A YAML mapping whose keys were checked against the fields the Go struct has.
struct StrictMapping {
    private var fields: [String: Node] = [:]

    init(_ node: Node, type: String, allowed: Set<String>) throws {
        guard case .mapping(let mapping) = node else {
            throw RuleFileParser.decodingError(node, "yaml: unmarshal errors:\n  line \(RuleFileParser.line(node)): cannot unmarshal into \(type)")
        }
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard allowed.contains(name) else {
                throw RuleFileParser.decodingError(key, "yaml: unmarshal errors:\n  line \(RuleFileParser.line(key)): field \(name) not found in type \(type)")
            }
            guard fields[name] == nil else {
                throw RuleFileParser.decodingError(key, "yaml: unmarshal errors:\n  line \(RuleFileParser.line(key)): mapping key \"\(name)\" already defined")
            }
            fields[name] = value
        }
    }

    subscript(_ name: String) -> Node? { fields[name] }
}
