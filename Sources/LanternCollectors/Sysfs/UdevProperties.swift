/// The device properties of a udev database entry (`/run/udev/data/b<major>:<minor>`):
/// its `E:KEY=VALUE` lines, the other record types ignored (see udevadm(8)).
public enum UdevProperties {
    public static func parse(_ text: String) -> [String: String] {
        var properties: [String: String] = [:]
        for line in lines(text) where line.hasPrefix("E:") {
            let property = line.dropFirst(2)
            guard let equals = property.firstIndex(of: "=") else { continue }
            properties[String(property[..<equals])] = String(property[property.index(after: equals)...])
        }
        return properties
    }
}
