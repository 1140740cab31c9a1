//! Command line: `serve`, `migrate`, `spec`, `keys create|import`, `demo-data`, `import cdrs`. Flags fall back to environment
//! variables, then to defaults that need no configuration.

use std::path::PathBuf;
use std::time::Duration;

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
    /// Write the Asterisk configuration files of a PBX node that runs on this gateway's database.
    PbxConfig(PbxConfigArgs),
}

/// Options of `pbx-config` (see `crate::pbx::node_config`).
#[derive(Debug, Args)]
pub struct PbxConfigArgs {
    /// Directory to write the files into (created if missing; files of the same name are replaced).
    #[arg(long)]
    pub out: PathBuf,
    /// Database URL the node connects with, when it differs from the gateway's (another host name,
    /// a least-privilege user).
    #[arg(long, env = "PBXGW_NODE_DATABASE_URL", hide_env_values = true)]
    pub node_database_url: Option<String>,
    /// SIP digest realm the extension secrets were hashed with.
    #[arg(long, env = "PBXGW_SIP_REALM", default_value = defaults::SIP_REALM)]
    pub sip_realm: String,
    /// Address of the node's PJSIP UDP transport.
    #[arg(long, default_value = "0.0.0.0:5060")]
    pub sip_bind: std::net::SocketAddr,
    /// Take the AMI user and secret of this node from PBXGW_AMI_NODES.
    #[arg(long, conflicts_with_all = ["ami_user", "ami_secret"])]
    pub node: Option<String>,
    /// AMI nodes, as for `serve` (read with --node).
    #[arg(long, env = "PBXGW_AMI_NODES", default_value = "", hide_env_values = true)]
    pub ami_nodes: String,
    /// AMI user name (without --node).
    #[arg(long, default_value = "pbxgw")]
    pub ami_user: String,
    /// AMI secret (without --node).
    #[arg(long, env = "PBXGW_NODE_AMI_SECRET", hide_env_values = true)]
    pub ami_secret: Option<String>,
    /// Network the gateway logs in to AMI from (`manager.conf` permit, ADDR/MASK); repeatable.
    #[arg(long, default_value = "127.0.0.1/255.255.255.255")]
    pub ami_permit: Vec<String>,
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
    /// HMAC secret for access tokens; unset = read from (or generated once into) the secret file.
    #[arg(long, env = "PBXGW_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Where a generated access-token secret is kept (mode 0600) when PBXGW_JWT_SECRET is unset.
    #[arg(long, env = "PBXGW_JWT_SECRET_FILE", default_value = "data/jwt-secret")]
    pub jwt_secret_file: PathBuf,
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
    /// Seconds a client has to send a complete request head (from connecting or from the previous
    /// response); slower or idle connections are closed.
    #[arg(long, env = "PBXGW_HEADER_READ_TIMEOUT_SECS", default_value_t = defaults::HEADER_READ_TIMEOUT_SECS)]
    pub header_read_timeout_secs: u64,
    /// Seconds a client has to send a whole request body.
    #[arg(long, env = "PBXGW_BODY_READ_TIMEOUT_SECS", default_value_t = defaults::BODY_READ_TIMEOUT_SECS)]
    pub body_read_timeout_secs: u64,
    /// Seconds a request may take until its response starts.
    #[arg(long, env = "PBXGW_REQUEST_TIMEOUT_SECS", default_value_t = defaults::REQUEST_TIMEOUT_SECS)]
    pub request_timeout_secs: u64,
    /// Largest request head (request line and headers) in bytes; values below 8192 count as 8192.
    #[arg(long, env = "PBXGW_MAX_HEAD_BYTES", default_value_t = defaults::MAX_HEAD_BYTES)]
    pub max_head_bytes: usize,
    /// Most header lines in one request.
    #[arg(long, env = "PBXGW_MAX_HEADERS", default_value_t = defaults::MAX_HEADERS)]
    pub max_headers: usize,
    /// Longest request target (path and query) in bytes.
    #[arg(long, env = "PBXGW_MAX_URI_BYTES", default_value_t = defaults::MAX_URI_BYTES)]
    pub max_uri_bytes: usize,
    /// Bodies larger than this many bytes are read only after the credentials were verified.
    #[arg(long, env = "PBXGW_UNAUTHENTICATED_BODY_BYTES", default_value_t = defaults::UNAUTHENTICATED_BODY_BYTES)]
    pub unauthenticated_body_bytes: usize,
    /// Reverse proxies (comma-separated addresses or networks) whose X-Forwarded-For is believed.
    #[arg(long, env = "PBXGW_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Web origins (comma-separated, e.g. `https://crm.example.com`) allowed to call the API from a
    /// browser (CORS); empty = none.
    #[arg(long, env = "PBXGW_CORS_ORIGINS", default_value = "")]
    pub cors_origins: String,
    /// Length of a rate-limit window in seconds.
    #[arg(long, env = "PBXGW_RATE_LIMIT_WINDOW_SECS", default_value_t = 60)]
    pub rate_limit_window_secs: u64,
    /// Requests per window from one client address (0 = no limit).
    #[arg(long, env = "PBXGW_RATE_LIMIT_PER_ADDRESS", default_value_t = 1200)]
    pub rate_limit_per_address: u64,
    /// Requests per window with one API key or user token (0 = no limit).
    #[arg(long, env = "PBXGW_RATE_LIMIT_PER_CREDENTIAL", default_value_t = 600)]
    pub rate_limit_per_credential: u64,
    /// Most pooled database connections (default: 4 on SQLite, 10 on PostgreSQL).
    #[arg(long, env = "PBXGW_DB_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..))]
    pub db_max_connections: Option<u32>,
    /// Days audit entries are kept (0 = forever).
    #[arg(long, env = "PBXGW_AUDIT_RETENTION_DAYS", default_value_t = 365)]
    pub audit_retention_days: u32,
    /// Seconds an `Idempotency-Key` of a REST create and its stored answer are kept.
    #[arg(long, env = "PBXGW_IDEMPOTENCY_KEY_TTL_SECS", default_value_t = defaults::IDEMPOTENCY_KEY_TTL_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub idempotency_key_ttl_secs: u64,
    /// Seconds requests in flight get to finish on shutdown.
    #[arg(long, env = "PBXGW_SHUTDOWN_GRACE_SECS", default_value_t = defaults::SHUTDOWN_GRACE_SECS)]
    pub shutdown_grace_secs: u64,
    /// Seconds a response write may make no progress (a client that stopped reading) before the
    /// connection is closed.
    #[arg(long, env = "PBXGW_WRITE_STALL_TIMEOUT_SECS", default_value_t = defaults::WRITE_STALL_TIMEOUT_SECS)]
    pub write_stall_timeout_secs: u64,
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
                    api_keys::create(
                        &core,
                        &system,
                        owner.tenant.as_deref(),
                        owner.read_only,
                        name,
                        &Default::default(),
                    )
                    .await?
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
        Command::PbxConfig(args) => pbx_config(&cli.database_url, &args),
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

/// Renders the node files and writes them (owner-only where they hold a password).
fn pbx_config(database_url: &str, args: &PbxConfigArgs) -> anyhow::Result<()> {
    use crate::pbx::node_config::{NodeOptions, render};
    let (ami_user, ami_secret) = match &args.node {
        Some(name) => {
            let nodes = crate::pbx::nodes::parse_nodes(&args.ami_nodes)
                .map_err(|err| anyhow::anyhow!("PBXGW_AMI_NODES: {err}"))?;
            let node = nodes
                .into_iter()
                .find(|node| &node.name == name)
                .ok_or_else(|| anyhow::anyhow!("node {name} is not in PBXGW_AMI_NODES"))?;
            (node.username.clone(), node.secret.expose().to_string())
        }
        None => {
            let secret = args
                .ami_secret
                .clone()
                .filter(|secret| !secret.is_empty())
                .ok_or_else(|| anyhow::anyhow!("the AMI secret is required: --node NAME or --ami-secret"))?;
            (args.ami_user.clone(), secret)
        }
    };
    let options = NodeOptions {
        database_url: args.node_database_url.clone().unwrap_or_else(|| database_url.to_string()),
        sip_realm: args.sip_realm.clone(),
        sip_bind: args.sip_bind,
        ami_user,
        ami_secret,
        ami_permit: args.ami_permit.clone(),
    };
    let files = render(&options)?;
    std::fs::create_dir_all(&args.out)?;
    for file in &files {
        let path = args.out.join(file.name);
        if file.secret {
            crate::auth::secrets::write_owner_only(&path, &file.contents, true)?;
        } else {
            std::fs::write(&path, &file.contents)?;
        }
    }
    eprintln!("{} files written to {}; see README.pbx-gateway.txt there", files.len(), args.out.display());
    Ok(())
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
        database_max_connections: args.db_max_connections,
        jwt_secret: args.jwt_secret.filter(|s| !s.is_empty()),
        jwt_secret_file: args.jwt_secret_file,
        sip_realm: args.sip_realm,
        max_body_bytes: args.max_body_bytes,
        access_token_ttl_secs: args.access_token_ttl_secs,
        license_expires: args.license_expires,
        http: crate::config::HttpLimits {
            header_read_timeout: Duration::from_secs(args.header_read_timeout_secs),
            body_read_timeout: Duration::from_secs(args.body_read_timeout_secs),
            request_timeout: Duration::from_secs(args.request_timeout_secs),
            // hyper refuses buffers below 8 KiB.
            max_head_bytes: args.max_head_bytes.max(8192),
            max_headers: args.max_headers,
            max_uri_bytes: args.max_uri_bytes,
            unauthenticated_body_bytes: args.unauthenticated_body_bytes,
            shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
            write_stall_timeout: Duration::from_secs(args.write_stall_timeout_secs),
        },
        rate_limits: crate::service::rate_limit::RateLimitSettings {
            window_secs: args.rate_limit_window_secs,
            per_address: args.rate_limit_per_address,
            per_credential: args.rate_limit_per_credential,
        },
        trusted_proxies: args
            .trusted_proxies
            .split(',')
            .filter(|text| !text.trim().is_empty())
            .map(crate::domain::address_range::AddressRange::parse)
            .collect::<Result<_, _>>()
            .map_err(|err| anyhow::anyhow!("PBXGW_TRUSTED_PROXIES: {}", err.message))?,
        cors_origins: args
            .cors_origins
            .split(',')
            .map(|origin| origin.trim().trim_end_matches('/').to_string())
            .filter(|origin| !origin.is_empty())
            .collect(),
        audit_retention_days: args.audit_retention_days,
        idempotency_key_ttl: Duration::from_secs(args.idempotency_key_ttl_secs),
        dirs,
        pbx,
    };
    let core = Core::start(config.clone()).await?;
    let bootstrap = args.bootstrap_admin_key.as_deref().filter(|k| !k.is_empty());
    if let Some(issued) = api_keys::ensure_admin_key(&core, bootstrap).await? {
        if bootstrap.is_some() {
            tracing::info!(key_id = issued.row.id, "PBXGW_BOOTSTRAP_ADMIN_KEY installed as the admin key");
        } else {
            crate::auth::secrets::write_owner_only(&args.admin_key_file, &issued.value, true)?;
            tracing::warn!(path = %args.admin_key_file.display(), "first start: admin key written to this file (owner-only); move it somewhere safe");
        }
    }
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(listen = %listener.local_addr()?, "serving; Swagger UI at /docs, legacy API at /proxyapi.php");
    let app = crate::app::build(core.clone());
    crate::http_server::serve(listener, app, &config.http, shutdown_signal()).await?;
    // Log off every AMI node before the process goes (Asterisk logs an unclean disconnect otherwise).
    core.pbx().shutdown().await;
    core.db().close().await;
    tracing::info!("stopped");
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
