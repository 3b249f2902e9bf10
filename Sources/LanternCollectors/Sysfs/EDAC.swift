import LanternSupport

/// A memory controller of `devices/system/edac/mc/mcN`.
public struct EDACController: Sendable, Hashable {
    public var number: String
    public var correctable: UInt64
    public var uncorrectable: UInt64
    /// Errors not attributed to a csrow.
    public var correctableNoInfo: UInt64
    public var uncorrectableNoInfo: UInt64
    public var csrows: [EDACCsrow]
}

public struct EDACCsrow: Sendable, Hashable {
    public var number: String
    public var correctable: UInt64
    public var uncorrectable: UInt64
    public var channels: [EDACChannel]
}

/// One `chN_ce_count` of a csrow, with its `chN_ue_count` when the kernel has one.
public struct EDACChannel: Sendable, Hashable {
    public var number: String
    /// From `chN_dimm_label`, formatted as `mc0_csrow0_channel0`; `unknown` without one.
    public var dimmLabel: String
    public var correctable: UInt64
    public var uncorrectable: UInt64?
}

/// Reads the EDAC memory controllers. Controller and csrow counters are required (a
/// missing one is an error, as in node_exporter); channel counters are optional.
public enum SysfsEDAC {
    public static func controllers(edacMC directory: String) throws(KernelFileError) -> [EDACController] {
        var controllers: [EDACController] = []
        for entry in KernelFile.numberedEntries(of: directory, prefix: "mc") {
            let path = directory + "/" + entry
            var csrows: [EDACCsrow] = []
            for csrow in KernelFile.numberedEntries(of: path, prefix: "csrow") {
                csrows.append(try readCsrow(path + "/" + csrow, number: leadingDigits(csrow.dropFirst(5))))
            }
            controllers.append(EDACController(
                number: leadingDigits(entry.dropFirst(2)),
                correctable: try KernelFile.readUInt(path + "/ce_count"),
                uncorrectable: try KernelFile.readUInt(path + "/ue_count"),
                correctableNoInfo: try KernelFile.readUInt(path + "/ce_noinfo_count"),
                uncorrectableNoInfo: try KernelFile.readUInt(path + "/ue_noinfo_count"),
                csrows: csrows))
        }
        return controllers
    }

    static func readCsrow(_ path: String, number: String) throws(KernelFileError) -> EDACCsrow {
        var channels: [EDACChannel] = []
        for entry in KernelFile.numberedEntries(of: path, prefix: "ch") where entry.hasSuffix("_ce_count") {
            let channel = String(entry.dropFirst(2).dropLast("_ce_count".count))
            guard !channel.isEmpty, channel.allSatisfy(isDigit),
                  let correctable = try? KernelFile.readUInt(path + "/" + entry) else { continue }
            let label = (try? KernelFile.attribute(path + "/ch\(channel)_dimm_label")).map(formatDimmLabel) ?? "unknown"
            channels.append(EDACChannel(
                number: channel, dimmLabel: label, correctable: correctable,
                uncorrectable: try? KernelFile.readUInt(path + "/ch\(channel)_ue_count")))
        }
        return EDACCsrow(
            number: number, correctable: try KernelFile.readUInt(path + "/ce_count"),
            uncorrectable: try KernelFile.readUInt(path + "/ue_count"), channels: channels)
    }

    /// `mc0csrow0channel0` -> `mc0_csrow0_channel0`; `#` removed.
    public static func formatDimmLabel(_ label: String) -> String {
        label.replacing("#", with: "").replacing("csrow", with: "_csrow").replacing("channel", with: "_channel")
    }

    private static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isWholeNumber
    }

    /// The digits a `[0-9]*` glob suffix starts with, as node_exporter's regexp captures them.
    private static func leadingDigits(_ text: Substring) -> String {
        String(text.prefix(while: isDigit))
    }
}
