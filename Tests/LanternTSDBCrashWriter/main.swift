import Glibc
import LanternPromQL
import LanternTSDB

// Appends to the TSDB in argv[1] forever, printing "committed <timestamp>" after each
// commit returns, so a test can kill -9 it at any moment and check what survived.
let arguments = CommandLine.arguments
guard arguments.count == 3, let seriesCount = Int(arguments[2]) else {
    print("usage: lantern-tsdb-crashwriter DIRECTORY SERIES")
    exit(2)
}
var options = TSDBOptions()
options.log = { _ in }
let database = try TSDB(directory: arguments[1], options: options)
let series = (0..<seriesCount).map { Labels(["__name__": "crash_test_total", "series": "\($0)"]) }
// Continue after what a previous (killed) run left, so restarts append in order.
var timestamp = max(0, database.stats.headMaxTime)
while true {
    timestamp += 1000
    let appender = database.appender()
    for labels in series { try appender.append(labels: labels, timestampMilliseconds: timestamp, value: Double(timestamp)) }
    try appender.commit()
    // write(2) straight to fd 1: unbuffered, so the test sees each commit as it happens.
    let line = Array("committed \(timestamp)\n".utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
