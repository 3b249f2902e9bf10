import Foundation
@testable import LanternScrape
import LanternTestSupport
import NIOCore
import NIOPosix
import Testing

/// Failed lookups and connects worded as Go's net package words them (the side-by-side
/// check against Prometheus is in ScrapeOptionsAndAPIErrorTests).
@Suite struct GoDialErrorTests {
    @Test func theResolverNamedIsResolvConfsFirstValidNameserver() {
        #expect(GoDialError.nameserver(resolvConf: "# by hand\nsearch example.org\nnameserver 10.0.0.53\nnameserver 10.0.0.54\n") == "10.0.0.53:53")
        #expect(GoDialError.nameserver(resolvConf: "nameserver\tfd00::53\n") == "[fd00::53]:53")
        #expect(GoDialError.nameserver(resolvConf: "nameserver fe80::1%eth0\n") == "[fe80::1%eth0]:53")
        // Go skips what is not an IP address (it would need DNS itself) and a bare keyword.
        #expect(GoDialError.nameserver(resolvConf: "nameserver dns.example.org\nnameserver\nnameserver 192.0.2.53 # primary\n") == "192.0.2.53:53")
        // None: Go and glibc both ask the local host.
        #expect(GoDialError.nameserver(resolvConf: "search example.org\n") == "127.0.0.1:53")
        #expect(GoDialError.nameserver(resolvConf: nil) == "127.0.0.1:53")
    }

    /// A real failed lookup through SwiftNIO, described with a resolv.conf of the test's.
    @Test func aNameThatDoesNotExistIsNoSuchHostOnTheFirstNameserver() async throws {
        let directory = try TestSupport.temporaryDirectory("resolv-conf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let resolvConf = directory.appendingPathComponent("resolv.conf")
        try "nameserver 192.0.2.53\n".write(to: resolvConf, atomically: true, encoding: .utf8)
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "nosuch.invalid", port: 9100).get()
            try await channel.close()
            Issue.record("nosuch.invalid resolved")
        } catch let error as NIOConnectionError {
            #expect(GoDialError.describe(error, resolvConfPath: resolvConf.path) == "dial tcp: lookup nosuch.invalid on 192.0.2.53:53: no such host")
        }
    }
}
