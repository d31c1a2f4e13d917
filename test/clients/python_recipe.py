# FilesFU CPU telemetry with the OpenTelemetry Python SDK (docs/clients.md).
# pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http
import os
import platform
import time
import uuid

from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk.metrics import Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

CPU_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1]  # the gateway's bounds, exactly
SAMPLE_SECONDS = 1.0

install_id = os.environ["FILESFU_INSTALL_ID"]  # the install the token was issued for
resource = Resource.create(
    {
        "service.name": "filesfu-desktop",
        "service.version": os.environ.get("FILESFU_APP_VERSION", "1.0.0"),
        "service.instance.id": install_id,
        "session.id": str(uuid.uuid4()),  # new for every run of the app
        "os.type": platform.system().lower(),  # linux, darwin, windows
        "filesfu.host.cpu.logical_count": os.cpu_count() or 1,
    }
)
exporter = OTLPMetricExporter(
    endpoint=os.environ["FILESFU_ENDPOINT"].rstrip("/") + "/v1/metrics",
    headers={"Authorization": "Bearer " + os.environ["FILESFU_TOKEN"]},
    preferred_temporality={Histogram: AggregationTemporality.DELTA},
)
reader = PeriodicExportingMetricReader(
    exporter, export_interval_millis=int(os.environ.get("FILESFU_EXPORT_INTERVAL_MS", "10000"))
)
provider = MeterProvider(resource=resource, metric_readers=[reader])
cpu = provider.get_meter("filesfu-python-recipe").create_histogram(
    "process.cpu.utilization",
    unit="1",
    description="Share of all logical CPUs used by the process",
    explicit_bucket_boundaries_advisory=CPU_BUCKETS,
)

# Samples this process's CPU once a second; a real app samples the process it watches and sets
# filesfu.app.stage to what the app is doing (starting, login, idle, indexing, sending, ...).
run_seconds = float(os.environ.get("FILESFU_RUN_SECONDS", "0"))  # 0: until stopped
started = time.monotonic()
samples = 0
last_wall, last_cpu = time.monotonic(), time.process_time()
while run_seconds == 0 or time.monotonic() - started < run_seconds:
    time.sleep(SAMPLE_SECONDS)
    wall, used = time.monotonic(), time.process_time()
    share = (used - last_cpu) / max(wall - last_wall, 1e-9) / (os.cpu_count() or 1)
    cpu.record(min(max(share, 0.0), 1.0), {"filesfu.app.stage": "idle"})
    samples += 1
    last_wall, last_cpu = wall, used
provider.shutdown()  # exports what is left
print(f"recorded {samples} samples", flush=True)
