import LanternFlags
import LanternMetrics
import Logging

/// node_exporter's rules for a collector's `*-exclude` / `*-include` regexp flag pair
/// (filesystem, diskstats): a deprecated `ignored-*` flag stands in for an exclude flag
/// left unset; an include flag clears the default exclude; an exclude and an include given
/// together are an error.
func excludeIncludePatterns(
    exclude: Flag, deprecated: Flag, include: Flag, flags: ParsedFlags, logger: Logger
) throws -> (exclude: String, include: String) {
    var excluded = flags.string(exclude.name)
    let included = flags.string(include.name)
    let old = flags.string(deprecated.name)
    if !old.isEmpty {
        guard !flags.isSet(exclude.name) else {
            throw CollectorError("--\(deprecated.name) and --\(exclude.name) are mutually exclusive")
        }
        logger.warning("--\(deprecated.name) is DEPRECATED and will be removed in 2.0.0, use --\(exclude.name)")
        excluded = old
    }
    if !included.isEmpty && !flags.isSet(exclude.name) {
        logger.debug("--\(exclude.name) not set when --\(include.name) is set, assuming include is desired")
        excluded = ""
    }
    if !excluded.isEmpty && !included.isEmpty {
        throw CollectorError("--\(exclude.name) and --\(include.name) are mutually exclusive")
    }
    return (excluded, included)
}
