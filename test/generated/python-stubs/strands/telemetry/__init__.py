class StrandsTelemetry:
    def setup_otlp_exporter(self) -> "StrandsTelemetry":
        return self
