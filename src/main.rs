//! Entry point: parse the command line, install telemetry, run.

use clap::Parser as _;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = pbx_gateway::cli::Cli::parse();
    let telemetry = pbx_gateway::telemetry::init();
    let result = pbx_gateway::cli::run(cli).await;
    drop(telemetry);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
