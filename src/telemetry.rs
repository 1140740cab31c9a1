//! Logging and tracing: human-readable logs on stderr (so `spec` output on stdout stays clean), and
//! OTLP/HTTP trace export only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

use std::io::IsTerminal as _;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _};

/// Flushes and stops trace export when dropped, bounded so a dead collector cannot hang shutdown.
#[derive(Debug, Default)]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

/// Longest wait for the collector at shutdown.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(3);

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        let Some(provider) = self.provider.take() else {
            return;
        };
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = provider.shutdown();
            let _ = done_tx.send(());
        });
        if done_rx.recv_timeout(SHUTDOWN_WAIT).is_err() {
            eprintln!("telemetry: collector did not answer within {SHUTDOWN_WAIT:?}; pending spans dropped");
        }
    }
}

/// Installs the global subscriber. Call once, at process start.
pub fn init() -> TelemetryGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT").ok().filter(|v| !v.trim().is_empty());
    let provider = endpoint.and_then(|_| match otlp_provider() {
        Ok(provider) => Some(provider),
        Err(err) => {
            eprintln!("telemetry: OTLP export disabled: {err}");
            None
        }
    });
    let otel_layer = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("pbx-gateway"))
            .with_filter(EnvFilter::new("info,sqlx=warn"))
    });
    let _ = tracing_subscriber::registry().with(filter.and_then(fmt)).with(otel_layer).try_init();
    TelemetryGuard { provider }
}

fn otlp_provider() -> anyhow::Result<SdkTracerProvider> {
    // HTTPS endpoints: the exporter's client (reqwest on rustls) takes the process-wide crypto
    // provider; certificates are checked against the platform's roots (SSL_CERT_FILE honoured).
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Endpoint, headers and timeout come from the standard OTEL_EXPORTER_OTLP_* variables.
    let exporter = opentelemetry_otlp::SpanExporter::builder().with_http().build()?;
    let service_name = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "pbx-gateway".into());
    let resource = opentelemetry_sdk::Resource::builder().with_service_name(service_name).build();
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
}
