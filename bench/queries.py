"""The dashboard queries of bench/run section 5, over the series bench/targets.py serves
(bench_*), the servers' own scrape series (up, scrape_*) and a real lantern-exporter
(node_*). Each is run as a range query, as a Grafana panel does."""

DASHBOARD_QUERIES = [
    ("requests/s by instance", 'sum by (instance) (rate(bench_http_requests_total[1m]))'),
    ("5xx share by handler", 'sum by (handler) (rate(bench_http_requests_total{code="500"}[1m]))'
                             ' / sum by (handler) (rate(bench_http_requests_total[1m]))'),
    ("p99 latency, all", 'histogram_quantile(0.99, sum by (le) (rate(bench_http_request_duration_seconds_bucket[1m])))'),
    ("p90 latency by handler",
     'histogram_quantile(0.9, sum by (le, handler) (rate(bench_http_request_duration_seconds_bucket[1m])))'),
    ("mean latency", 'sum(rate(bench_http_request_duration_seconds_sum[1m]))'
                     ' / sum(rate(bench_http_request_duration_seconds_count[1m]))'),
    ("top 10 instances by CPU", 'topk(10, sum by (instance) (rate(bench_cpu_seconds_total{mode!="idle"}[1m])))'),
    ("CPU by mode (irate)", 'sum by (mode) (irate(bench_cpu_seconds_total[1m]))'),
    ("busy share by instance", '1 - avg by (instance) (rate(bench_cpu_seconds_total{mode="idle"}[1m]))'),
    ("memory by area", 'sum by (area) (bench_memory_bytes)'),
    ("memory peak by instance", 'max by (instance) (max_over_time(bench_memory_bytes[1m]))'),
    ("top 5 queues", 'topk(5, bench_queue_length)'),
    ("queue avg_over_time", 'avg by (instance) (avg_over_time(bench_queue_length[1m]))'),
    ("queue p95 by instance", 'quantile by (instance) (0.95, bench_queue_length)'),
    ("requests increase by code", 'sum by (code) (increase(bench_http_requests_total[2m]))'),
    ("GET rate, regex handler", 'sum(rate(bench_http_requests_total{handler=~"/api/v1/h0.*",method="GET"}[1m]))'),
    ("series count by name", 'count by (__name__) ({__name__=~"bench_.+"})'),
    ("targets up by job", 'sum by (job) (up)'),
    ("slowest scrape by job", 'max by (job) (scrape_duration_seconds)'),
    ("node CPU by mode", 'sum by (mode) (rate(node_cpu_seconds_total[1m]))'),
    ("node memory used share", '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes'),
    ("fastest-growing memory", 'topk(3, deriv(bench_memory_bytes[2m]))'),
]


def same_series(a, b):
    """Whether two query_range results hold the same label sets (values differ a little:
    the two servers scrape at different moments of the interval)."""
    def keys(result):
        return sorted(tuple(sorted(r["metric"].items())) for r in result)
    return keys(a) == keys(b)
