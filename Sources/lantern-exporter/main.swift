import LanternExporter

#if canImport(Glibc)
import Glibc
#endif

exit(ExporterCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
