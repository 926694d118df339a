"""core.metrics keeps plain figures and turns them into Prometheus' text format only when
scraped: the families, labels, cumulative histogram buckets and sums are right, and
prometheus-client is not imported until then."""

from __future__ import annotations

import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families

from core.metrics import Metrics


def samples(metrics: Metrics) -> dict[tuple[str, tuple], float]:
    body, content_type = metrics.exposition()
    assert content_type.startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_figures_become_prometheus_series():
    m = Metrics()
    m.count_command("poll create", "ok", 0.03)
    m.count_command("poll create", "ok", 0.7)
    m.count_command("poll create", "refused", None)
    m.count_votes(5)
    m.count_votes(2)
    m.count_rest("POST /channels/:id/messages", 200)
    m.count_rest("POST /channels/:id/messages", 429)
    m.count_dm(delivered=False)
    m.count_job("poll.close", "done")
    m.set_job_counts([("poll.close", 2, 1, 0)])
    got = samples(m)
    cmd = (("command", "poll create"),)
    assert got[("huddle_commands_total", (*cmd, ("outcome", "ok")))] == 2
    assert got[("huddle_commands_total", (*cmd, ("outcome", "refused")))] == 1
    assert got[("huddle_command_seconds_bucket", (*cmd, ("le", "0.025")))] == 0
    assert got[("huddle_command_seconds_bucket", (*cmd, ("le", "0.05")))] == 1
    assert got[("huddle_command_seconds_bucket", (*cmd, ("le", "1.0")))] == 2
    assert got[("huddle_command_seconds_bucket", (*cmd, ("le", "+Inf")))] == 2
    assert got[("huddle_command_seconds_count", cmd)] == 2
    assert abs(got[("huddle_command_seconds_sum", cmd)] - 0.73) < 1e-9
    assert got[("huddle_votes_counted_total", ())] == 7
    bucket = (("bucket", "POST /channels/:id/messages"),)
    assert got[("huddle_rest_requests_total", (*bucket, ("status", "4xx")))] == 1
    assert got[("huddle_rest_rate_limited_total", bucket)] == 1
    assert got[("huddle_dms_total", (("outcome", "sent"),))] == 0  # present from the start
    assert got[("huddle_dms_total", (("outcome", "refused"),))] == 1
    assert got[("huddle_jobs_due", (("kind", "poll.close"),))] == 2
    assert got[("huddle_jobs_late", (("kind", "poll.close"),))] == 1
    assert got[("huddle_jobs_run_total", (("kind", "poll.close"), ("outcome", "done")))] == 1


def test_prometheus_client_is_imported_only_when_scraped():
    code = (
        "import sys; from core.metrics import Metrics; m = Metrics(); m.count_votes(1);"
        "assert 'prometheus_client' not in sys.modules; m.exposition();"
        "assert 'prometheus_client' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=".")
