//! Command line: `serve`, `migrate`, `spec`, `keys create|import`, `demo-data`, `import cdrs`. Flags fall back to environment
//! variables, then to defaults that need no configuration.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, defaults};
use crate::service::{Core, api_keys};

/// pbx-gateway: REST + legacy proxyapi.php API for a multi-tenant Asterisk PBX.
#[derive(Debug, Parser)]
#[command(name = "pbx-gateway", version)]
pub struct Cli {
    /// Database: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = defaults::DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
    /// Directories of voicemail spool, recordings and faxes.
    #[command(flatten)]
    pub dirs: DirArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP (creates and migrates the database on first start).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate,
    /// Print the OpenAPI spec (YAML) to stdout.
    Spec,
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Fill an existing tenant with realistic demo data (objects, CDRs, logs, voicemails, recordings).
    DemoData(DemoArgs),
    /// Import data from files.
    #[command(subcommand)]
    Import(ImportCommand),
}

/// Options of `demo-data` (see `crate::demo::Options`).
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Tenant code (must exist).
    #[arg(long)]
    pub tenant: String,
    /// CDRs to write.
    #[arg(long, default_value_t = 500)]
    pub cdrs: u64,
    /// queue_log rows to write.
    #[arg(long, default_value_t = 200)]
    pub queue_logs: u64,
    /// IVR log rows to write.
    #[arg(long, default_value_t = 100)]
    pub ivr_logs: u64,
    /// Response path runs to write (each several steps).
    #[arg(long, default_value_t = 20)]
    pub response_paths: u64,
    /// Voicemail messages to write into the spool.
    #[arg(long, default_value_t = 10)]
    pub voicemails: u64,
    /// Recordings to write (of answered CDRs of this run).
    #[arg(long, default_value_t = 10)]
    pub recordings: u64,
    /// Spread times over this many days before now.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// Seed for reproducible data (default: random, shown in the summary).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// `import` sub-commands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import an Asterisk Master.csv (cdr_csv) file into a tenant's CDRs.
    Cdrs {
        /// Tenant code (must exist).
        #[arg(long)]
        tenant: String,
        /// The Master.csv file.
        file: PathBuf,
        /// Skip malformed lines (and list them) instead of aborting.
        #[arg(long)]
        skip_invalid: bool,
        /// Times in the file are this machine's local time (default: UTC, as with cdr_csv usegmtime=yes).
        #[arg(long)]
        local_time: bool,
    },
}

/// Directories of the PBX's files (global: `serve` reads them, `demo-data` writes them).
#[derive(Debug, Args)]
pub struct DirArgs {
    /// Asterisk voicemail spool (<spool>/<context>/<mailbox>/<folder>/msgNNNN.*).
    #[arg(long, global = true, env = "PBXGW_SPOOL_DIR", default_value = defaults::SPOOL_DIR)]
    pub spool_dir: PathBuf,
    /// Call recordings.
    #[arg(long, global = true, env = "PBXGW_RECORDINGS_DIR", default_value = defaults::RECORDINGS_DIR)]
    pub recordings_dir: PathBuf,
    /// Fax documents.
    #[arg(long, global = true, env = "PBXGW_FAX_DIR", default_value = defaults::FAX_DIR)]
    pub fax_dir: PathBuf,
}

impl DirArgs {
    fn to_dirs(&self) -> crate::config::FileDirs {
        crate::config::FileDirs {
            voicemail_spool: self.spool_dir.clone(),
            recordings: self.recordings_dir.clone(),
            faxes: self.fax_dir.clone(),
        }
    }
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen address.
    #[arg(long, env = "PBXGW_LISTEN", default_value = defaults::LISTEN)]
    pub listen: std::net::SocketAddr,
    /// HMAC secret for access tokens; unset = generated once and kept in the database.
    #[arg(long, env = "PBXGW_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// SIP digest realm (must match the PBX).
    #[arg(long, env = "PBXGW_SIP_REALM", default_value = defaults::SIP_REALM)]
    pub sip_realm: String,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "PBXGW_MAX_BODY_BYTES", default_value_t = defaults::MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Access token lifetime in seconds.
    #[arg(long, env = "PBXGW_ACCESS_TOKEN_TTL_SECS", default_value_t = defaults::ACCESS_TOKEN_TTL_SECS)]
    pub access_token_ttl_secs: i64,
    /// If set and no admin key exists yet, this value becomes the admin key.
    #[arg(long, env = "PBXGW_BOOTSTRAP_ADMIN_KEY", hide_env_values = true)]
    pub bootstrap_admin_key: Option<String>,
    /// Seconds a connection may stay silent before it is closed.
    #[arg(long, env = "PBXGW_IDLE_TIMEOUT_SECS", default_value_t = defaults::IDLE_TIMEOUT_SECS)]
    pub idle_timeout_secs: u64,
    /// Expiry date (YYYY-MM-DD) of the PBX licence, reported by legacy LICENSEDAYS.
    #[arg(long, env = "PBXGW_LICENSE_EXPIRES")]
    pub license_expires: Option<chrono::NaiveDate>,
    /// Where a generated first admin key is written (mode 0600).
    #[arg(long, env = "PBXGW_ADMIN_KEY_FILE", default_value = "data/admin-key.txt")]
    pub admin_key_file: PathBuf,
    /// Asterisk nodes: `srv01=ami://user:secret@host:5038,srv02=...` (options `?auth=md5|plain`,
    /// `secret_file=PATH`). Empty: no live PBX.
    #[arg(long, env = "PBXGW_AMI_NODES", default_value = "", hide_env_values = true)]
    pub ami_nodes: String,
    /// Milliseconds one AMI action may take before it fails.
    #[arg(long, env = "PBXGW_AMI_ACTION_TIMEOUT_MS", default_value_t = 10_000)]
    pub ami_action_timeout_ms: u64,
    /// Dialplan context of a tenant's calls (`{tenant}` = tenant code).
    #[arg(long, env = "PBXGW_DIAL_CONTEXT", default_value = crate::pbx::settings::DEFAULT_CONTEXT)]
    pub dial_context: String,
    /// Device of an extension (`{number}`, `{tenant}`).
    #[arg(long, env = "PBXGW_DEVICE_TEMPLATE", default_value = crate::pbx::settings::DEFAULT_DEVICE)]
    pub device_template: String,
    /// Context an answered campaign call continues in (`{tenant}`, `{campaign}` = campaign id).
    #[arg(long, env = "PBXGW_CAMPAIGN_CONTEXT", default_value = crate::pbx::settings::DEFAULT_CAMPAIGN_CONTEXT)]
    pub campaign_context: String,
    /// Extension an answered campaign call continues at (`{tenant}`, `{campaign}`).
    #[arg(long, env = "PBXGW_CAMPAIGN_EXTEN", default_value = crate::pbx::settings::DEFAULT_CAMPAIGN_EXTEN)]
    pub campaign_exten: String,
    /// Most new campaign calls per second, all campaigns together.
    #[arg(long, env = "PBXGW_CAMPAIGN_CALLS_PER_SECOND", default_value_t = 2)]
    pub campaign_calls_per_second: u32,
    /// MessageSend `To:` of an SMS to a number that is not an extension (`{number}`, `{tenant}`),
    /// e.g. `pjsip:{number}@sms-trunk`. Empty: such SMS are refused.
    #[arg(long, env = "PBXGW_SMS_EXTERNAL_TO", default_value = "")]
    pub sms_external_to: String,
}

/// `keys` sub-commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Issue a new random key and print it once.
    Create {
        /// Whose key.
        #[command(flatten)]
        owner: KeyOwner,
        /// Label.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Store an existing key value (keeps a deployment's legacy keys working).
    Import {
        /// Whose key.
        #[command(flatten)]
        owner: KeyOwner,
        /// The key value.
        #[arg(long)]
        value: String,
    },
}

/// Admin key, or a tenant's key.
#[derive(Debug, Args)]
pub struct KeyOwner {
    /// An admin (global) key.
    #[arg(long, conflicts_with = "tenant", required_unless_present = "tenant")]
    pub admin: bool,
    /// A key of this tenant.
    #[arg(long, required_unless_present = "admin")]
    pub tenant: Option<String>,
    /// Read-only (tenant keys only).
    #[arg(long, requires = "tenant")]
    pub read_only: bool,
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Spec => {
            print!("{}", crate::api::spec_yaml().await?);
            Ok(())
        }
        Command::Migrate => {
            let core = Core::start(Config::for_database(&cli.database_url)).await?;
            tracing::info!("migrations applied");
            core.db().close().await;
            Ok(())
        }
        Command::Keys(keys) => {
            let core = Core::start(Config::for_database(&cli.database_url)).await?;
            let system = crate::auth::Principal::system();
            let issued = match &keys {
                KeysCommand::Create { owner, name } => {
                    api_keys::create(&core, &system, owner.tenant.as_deref(), owner.read_only, name).await?
                }
                KeysCommand::Import { owner, value } => {
                    api_keys::import(&core, &system, owner.tenant.as_deref(), owner.read_only, value).await?
                }
            };
            core.db().close().await;
            if matches!(keys, KeysCommand::Create { .. }) {
                println!("{}", issued.value);
                eprintln!("key id {} created; it is shown only now", issued.row.id);
            } else {
                eprintln!("key id {} imported", issued.row.id);
            }
            Ok(())
        }
        Command::Serve(args) => serve(&cli.database_url, cli.dirs.to_dirs(), *args).await,
        Command::DemoData(args) => {
            let core = Core::start(Config::for_database(&cli.database_url)).await?;
            let options = crate::demo::Options {
                tenant: args.tenant,
                cdrs: args.cdrs,
                queue_logs: args.queue_logs,
                ivr_logs: args.ivr_logs,
                response_paths: args.response_paths,
                voicemails: args.voicemails,
                recordings: args.recordings,
                days: args.days,
                seed: args.seed,
            };
            let result = crate::demo::run(&core, &cli.dirs.to_dirs(), &options).await;
            core.db().close().await;
            eprintln!("{}", result?);
            Ok(())
        }
        Command::Import(ImportCommand::Cdrs { tenant, file, skip_invalid, local_time }) => {
            let core = Core::start(Config::for_database(&cli.database_url)).await?;
            let options = crate::import::Options { tenant, file, skip_invalid, local_time };
            let result = crate::import::cdrs(&core, &options).await;
            core.db().close().await;
            let outcome = result?;
            const SHOWN: usize = 50;
            for (line, reason) in outcome.invalid.iter().take(SHOWN) {
                eprintln!("skipped line {line}: {reason}");
            }
            if outcome.invalid.len() > SHOWN {
                eprintln!("... and {} more invalid lines", outcome.invalid.len() - SHOWN);
            }
            eprintln!("{outcome}");
            Ok(())
        }
    }
}

fn pbx_settings(args: &ServeArgs) -> anyhow::Result<crate::pbx::settings::PbxSettings> {
    use crate::pbx::settings::{Dialplan, PbxSettings};
    let nodes =
        crate::pbx::nodes::parse_nodes(&args.ami_nodes).map_err(|err| anyhow::anyhow!("PBXGW_AMI_NODES: {err}"))?;
    let client = crate::pbx::ami::ClientOptions {
        action_timeout: std::time::Duration::from_millis(args.ami_action_timeout_ms.max(1)),
        ..Default::default()
    };
    let dialplan =
        Dialplan { context: args.dial_context.clone(), device: args.device_template.clone(), ..Dialplan::default() };
    let campaigns = crate::pbx::settings::CampaignSettings {
        context: args.campaign_context.clone(),
        exten: args.campaign_exten.clone(),
        calls_per_second: args.campaign_calls_per_second.max(1),
        ..Default::default()
    };
    let sms = crate::pbx::settings::SmsSettings {
        external: Some(args.sms_external_to.clone()).filter(|template| !template.is_empty()),
    };
    Ok(PbxSettings { nodes, client, dialplan, campaigns, sms })
}

async fn serve(database_url: &str, dirs: crate::config::FileDirs, args: ServeArgs) -> anyhow::Result<()> {
    let pbx = pbx_settings(&args)?;
    let config = Config {
        listen: args.listen,
        database_url: database_url.to_string(),
        jwt_secret: args.jwt_secret.filter(|s| !s.is_empty()),
        sip_realm: args.sip_realm,
        max_body_bytes: args.max_body_bytes,
        access_token_ttl_secs: args.access_token_ttl_secs,
        license_expires: args.license_expires,
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout_secs),
        dirs,
        pbx,
    };
    let core = Core::start(config.clone()).await?;
    let bootstrap = args.bootstrap_admin_key.as_deref().filter(|k| !k.is_empty());
    if let Some(issued) = api_keys::ensure_admin_key(&core, bootstrap).await? {
        if bootstrap.is_some() {
            tracing::info!(key_id = issued.row.id, "PBXGW_BOOTSTRAP_ADMIN_KEY installed as the admin key");
        } else {
            write_secret_file(&args.admin_key_file, &issued.value)?;
            tracing::warn!(path = %args.admin_key_file.display(), "first start: admin key written to this file (owner-only); move it somewhere safe");
        }
    }
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(listen = %listener.local_addr()?, "serving; Swagger UI at /docs, legacy API at /proxyapi.php");
    let acceptor = poem::listener::TcpAcceptor::from_tokio(listener)?;
    let app = crate::app::build(core.clone());
    crate::app::server(acceptor, &config)
        .run_with_graceful_shutdown(app, shutdown_signal(), Some(std::time::Duration::from_secs(10)))
        .await?;
    // Log off every AMI node before the process goes (Asterisk logs an unclean disconnect otherwise).
    core.pbx().shutdown().await;
    core.db().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Writes a secret to a file only the owner can read.
fn write_secret_file(path: &Path, secret: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    writeln!(file, "{secret}")?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested");
}
