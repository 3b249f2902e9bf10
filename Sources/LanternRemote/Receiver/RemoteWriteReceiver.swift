import LanternPromQL
import LanternTSDB

/// `POST /api/v1/write`: stores a remote write 1.0 request in one appender batch, with
/// Prometheus' answers: 204 when stored; 400 for an undecodable body, invalid labels, or
/// a sample out of order, a duplicate timestamp with another value, or out of bounds
/// (then the whole request is rolled back, and the sender must not retry); 500 when the
/// database fails.
public enum RemoteWriteReceiver {
    public static func handle(body: [UInt8], database: TSDB) -> (status: Int, message: String) {
        do {
            let series = try WriteRequestDecoder.decode(body)
            try store(series, in: database)
            return (204, "")
        } catch {
            return (error.status, error.message)
        }
    }

    private static func store(_ series: [(labels: Labels, samples: [Prometheus_Sample])], in database: TSDB) throws(RemoteWriteRejection) {
        let appender = database.appender()
        for entry in series {
            for sample in entry.samples {
                do {
                    try appender.append(labels: entry.labels, timestampMilliseconds: sample.timestamp, value: sample.value)
                } catch let error as AppendError {
                    appender.rollback()
                    throw RemoteWriteRejection(status: 400, message: "\(error) for series \(entry.labels) at timestamp \(sample.timestamp)")
                } catch {
                    appender.rollback()
                    throw RemoteWriteRejection(status: 500, message: "\(error)")
                }
            }
        }
        do { try appender.commit() } catch {
            throw RemoteWriteRejection(status: 500, message: "\(error)")
        }
    }
}
