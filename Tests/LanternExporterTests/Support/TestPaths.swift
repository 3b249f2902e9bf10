import Foundation
import LanternTestSupport

/// The exporter's own test inputs: its binary and node_exporter's fixture tree.
enum TestPaths {
    static var exporterBinary: URL { URL(fileURLWithPath: TestSupport.exporter) }

    /// node_exporter's fixtures with their symbolic links and empty directories restored
    /// (the shared copy lost them; see `scripts/materialize-fixtures`), built once into
    /// `.build/`. The script runs even when the tree exists: it then only adds empty
    /// directories an older tree lacks.
    static let nodeExporterFixtures: URL = {
        let materialized = TestSupport.packageRoot.appendingPathComponent(".build/lantern-fixtures/node_exporter")
        let script = TestSupport.packageRoot.appendingPathComponent("scripts/materialize-fixtures").path
        _ = try? TestSupport.run(script, [TestSupport.shared.appendingPathComponent("fixtures/node_exporter").path, materialized.path])
        return materialized
    }()
}
