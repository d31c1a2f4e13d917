# The mistakes a new user of the OpenTelemetry Python SDK makes, one per FILESFU_MISTAKE, each
# otherwise the recipe (python_recipe.py): records a few samples, exports once, exits. The test reads
# what the SDK logs for the gateway's answer.
#   default          the SDK's defaults: CUMULATIVE, default buckets, no session.id / os.type / install
#   cumulative       the recipe without preferred_temporality
#   default_buckets  the recipe without explicit_bucket_boundaries_advisory
#   no_session_id    the recipe without session.id
#   wrong_install    the recipe with another install's id in service.instance.id
#   extra_metrics    the recipe plus a counter the gateway does not use
import logging
import os
import platform
import uuid

from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk.metrics import Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

logging.basicConfig(level=logging.WARNING)
mistake = os.environ["FILESFU_MISTAKE"]
CPU_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1]

attributes = {
    "service.name": "filesfu-desktop",
    "service.version": os.environ.get("FILESFU_APP_VERSION", "1.0.0"),
    "service.instance.id": os.environ["FILESFU_INSTALL_ID"],
    "session.id": str(uuid.uuid4()),
    "os.type": platform.system().lower(),
}
if mistake == "default":
    attributes = {"service.name": "filesfu-desktop"}
if mistake == "no_session_id":
    del attributes["session.id"]
if mistake == "wrong_install":
    attributes["service.instance.id"] = "someone-elses-install"

exporter_options = {
    "endpoint": os.environ["FILESFU_ENDPOINT"].rstrip("/") + "/v1/metrics",
    "headers": {"Authorization": "Bearer " + os.environ["FILESFU_TOKEN"]},
}
if mistake not in ("default", "cumulative"):
    exporter_options["preferred_temporality"] = {Histogram: AggregationTemporality.DELTA}
reader = PeriodicExportingMetricReader(OTLPMetricExporter(**exporter_options), export_interval_millis=3_600_000)
provider = MeterProvider(resource=Resource.create(attributes), metric_readers=[reader])
meter = provider.get_meter("filesfu-python-mistakes")
histogram_options = {"unit": "1"}
if mistake not in ("default", "default_buckets"):
    histogram_options["explicit_bucket_boundaries_advisory"] = CPU_BUCKETS
cpu = meter.create_histogram("process.cpu.utilization", **histogram_options)
samples = int(os.environ.get("FILESFU_SAMPLES", "3"))
for i in range(samples):
    cpu.record(0.15 + 0.1 * i, {"filesfu.app.stage": "idle"})
if mistake == "extra_metrics":
    meter.create_counter("app.files.sent").add(5)
provider.shutdown()
print(f"recorded {samples} samples", flush=True)
