import LanternServer

#if canImport(Glibc)
import Glibc
#endif

exit(await ServerCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
