//! `pbx-gateway pbx-config`: the Asterisk files a node needs to run against this gateway. Nothing
//! here is per tenant: the node reads endpoints, queues, members and voicemail boxes from the
//! gateway's database through its realtime back end (views and tables of migration 15), writes
//! CDRs and queue_log rows back into it, and its dialplan takes the tenant from the channel. So a
//! node is configured once and never reloaded when tenants or their objects change.
//!
//! Only rendering lives here (pure, unit-tested); `cli` writes the files.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The context every extension's endpoint starts in (the `ps_endpoints` view names it too) and
/// the default context DIAL continues in.
pub const INTERNAL_CONTEXT: &str = "pbxgw-internal";

/// AMI permissions the gateway needs (README "Live PBX"): events of calls, agents, devices and
/// dialplan; actions to originate, redirect, hang up, queue and AstDB changes, `Command` for
/// `core show channels` fallbacks.
pub const AMI_READ: &str = "system,call,agent,user,dialplan,reporting";
/// See [`AMI_READ`].
pub const AMI_WRITE: &str = "system,call,agent,user,originate,command,reporting";

/// What the node files are made from.
#[derive(Debug, Clone)]
pub struct NodeOptions {
    /// The database the node connects to (usually the gateway's own `DATABASE_URL`).
    pub database_url: String,
    /// `PBXGW_SIP_REALM`: the realm the stored digests were made with.
    pub sip_realm: String,
    /// Where the node's PJSIP UDP transport listens.
    pub sip_bind: SocketAddr,
    /// The AMI user the gateway logs in as, and its secret.
    pub ami_user: String,
    /// Secret of [`NodeOptions::ami_user`].
    pub ami_secret: String,
    /// Networks the AMI user may log in from (`manager.conf` `permit`), e.g. `10.0.0.5/255.255.255.255`.
    pub ami_permit: Vec<String>,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFile {
    /// File name inside the node's configuration directory.
    pub name: &'static str,
    /// Its text.
    pub contents: String,
    /// Holds a password: written owner-only.
    pub secret: bool,
}

/// Why a node configuration cannot be rendered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NodeConfigError {
    /// A value would break out of its line in an Asterisk configuration file.
    #[error("{what} must not contain line breaks")]
    LineBreak { what: &'static str },
    /// The database URL is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL (expected sqlite:// or postgres://)")]
    UnsupportedDatabase,
    /// The PostgreSQL URL could not be read.
    #[error("database URL: {0}")]
    BadUrl(String),
}

/// The database as a node sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NodeDatabase {
    /// The gateway's SQLite file (absolute path): the node must run on the same machine.
    Sqlite(PathBuf),
    /// A PostgreSQL server.
    Postgres(PgParams),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PgParams {
    host: String,
    port: u16,
    user: String,
    password: String,
    dbname: String,
}

/// Asterisk's realtime families that read the gateway's database (family => table).
const REALTIME_FAMILIES: &[&str] =
    &["ps_endpoints", "ps_auths", "ps_aors", "queues", "queue_members", "queue_log", "voicemail"];

/// Columns of the SQLite CDR intake view `pbx_cdr_in` (migration 15), with the dialplan expression
/// of each: every column of `cdr` but `id` (Asterisk 22 disables the back end when the counts
/// differ). Times are the node's local time; the view's trigger stores them as UTC.
const SQLITE_CDR_COLUMNS: &[(&str, &str)] = &[
    ("calldate", "${CDR(start)}"),
    ("answer", "${CDR(answer)}"),
    ("\"end\"", "${CDR(end)}"),
    ("clid", "${CDR(clid)}"),
    ("src", "${CDR(src)}"),
    ("dst", "${CDR(dst)}"),
    ("dcontext", "${CDR(dcontext)}"),
    ("channel", "${CDR(channel)}"),
    ("dstchannel", "${CDR(dstchannel)}"),
    ("lastapp", "${CDR(lastapp)}"),
    ("lastdata", "${CDR(lastdata)}"),
    ("duration", "${CDR(duration)}"),
    ("billsec", "${CDR(billsec)}"),
    ("disposition", "${CDR(disposition)}"),
    ("amaflags", "${CDR(amaflags)}"),
    ("accountcode", "${CDR(accountcode)}"),
    ("uniqueid", "${CDR(uniqueid)}"),
    ("userfield", "${CDR(userfield)}"),
    ("linkedid", "${CDR(linkedid)}"),
    ("peeraccount", "${CDR(peeraccount)}"),
    ("sequence", "${CDR(sequence)}"),
    ("te_id", "${CDR(te_id)}"),
    ("realsrc", "${CDR(realsrc)}"),
    ("firstdst", "${CDR(firstdst)}"),
    ("lastdst", "${CDR(lastdst)}"),
    ("wherelanded", "${CDR(wherelanded)}"),
    ("whoanswered", "${CDR(whoanswered)}"),
    ("direction", "${CDR(direction)}"),
    ("originateid", "${CDR(originateid)}"),
    ("prevuniqueid", "${CDR(prevuniqueid)}"),
    ("srccallid", "${CDR(srccallid)}"),
    ("cc_cost", "${CDR(cc_cost)}"),
    ("cc_country", "${CDR(cc_country)}"),
    ("cc_network", "${CDR(cc_network)}"),
    ("pincode", "${CDR(pincode)}"),
];

const HEADER: &str =
    "; Generated by `pbx-gateway pbx-config`. Do not edit: change the gateway's settings and regenerate.\n";

/// Renders every file of a node, in a stable order.
pub fn render(options: &NodeOptions) -> Result<Vec<NodeFile>, NodeConfigError> {
    for (what, value) in [
        ("the SIP realm", options.sip_realm.as_str()),
        ("the AMI user", options.ami_user.as_str()),
        ("the AMI secret", options.ami_secret.as_str()),
        ("the database URL", options.database_url.as_str()),
    ] {
        if value.contains(['\r', '\n']) {
            return Err(NodeConfigError::LineBreak { what });
        }
    }
    if options.ami_permit.iter().any(|p| p.contains(['\r', '\n'])) {
        return Err(NodeConfigError::LineBreak { what: "an AMI permit" });
    }
    let database = node_database(&options.database_url)?;
    let mut files = vec![
        text("extconfig.conf", extconfig(&database)),
        text("sorcery.conf", SORCERY.to_string()),
        text("pjsip.conf", pjsip(options)),
        text("extensions.conf", EXTENSIONS.to_string()),
        text("queues.conf", QUEUES.to_string()),
        text("voicemail.conf", VOICEMAIL.to_string()),
        text("cdr.conf", CDR.to_string()),
        text("logger.conf", LOGGER.to_string()),
        NodeFile { name: "manager_pbx-gateway.conf", contents: manager(options), secret: true },
    ];
    match &database {
        NodeDatabase::Postgres(pg) => {
            files.push(NodeFile { name: "res_pgsql.conf", contents: res_pgsql(pg), secret: true });
            files.push(NodeFile { name: "cdr_pgsql.conf", contents: cdr_pgsql(pg), secret: true });
        }
        NodeDatabase::Sqlite(path) => {
            files.push(text("res_config_sqlite3.conf", res_config_sqlite3(path)));
            files.push(text("cdr_sqlite3_custom.conf", cdr_sqlite3_custom()));
        }
    }
    files.push(text("README.pbx-gateway.txt", readme(&database)));
    Ok(files)
}

fn text(name: &'static str, contents: String) -> NodeFile {
    NodeFile { name, contents, secret: false }
}

fn node_database(url: &str) -> Result<NodeDatabase, NodeConfigError> {
    if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let file = rest.split('?').next().unwrap_or_default();
        let path = std::path::absolute(Path::new(file)).map_err(|err| NodeConfigError::BadUrl(err.to_string()))?;
        return Ok(NodeDatabase::Sqlite(path));
    }
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or(NodeConfigError::UnsupportedDatabase)?;
    let rest = rest.split('?').next().unwrap_or_default();
    let (authority, dbname) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = match hostport.rsplit_once(':') {
        Some((host, port)) => {
            (host, port.parse::<u16>().map_err(|_| NodeConfigError::BadUrl(format!("bad port {port:?}")))?)
        }
        None => (hostport, 5432),
    };
    let decode = |raw: &str| {
        super::nodes::percent_decode(raw).ok_or_else(|| NodeConfigError::BadUrl("bad percent-encoding".into()))
    };
    let params = PgParams {
        host: decode(host)?,
        port,
        user: decode(user)?,
        password: decode(password)?,
        dbname: decode(dbname)?,
    };
    if params.host.is_empty() || params.dbname.is_empty() {
        return Err(NodeConfigError::BadUrl("host and database name are required".into()));
    }
    Ok(NodeDatabase::Postgres(params))
}

/// A value on the right of `=` in an Asterisk config file: `;` starts a comment there.
fn conf_value(value: &str) -> String {
    value.replace('\\', "\\\\").replace(';', "\\;")
}

fn extconfig(database: &NodeDatabase) -> String {
    let (driver, name) = match database {
        NodeDatabase::Postgres(_) => ("pgsql", "general"),
        NodeDatabase::Sqlite(_) => ("sqlite3", "pbxgw"),
    };
    let mut out = format!(
        "{HEADER}; Realtime families Asterisk reads from (and writes to) the gateway's database.\n[settings]\n"
    );
    for family in REALTIME_FAMILIES {
        let _ = writeln!(out, "{family} => {driver},{name},{family}");
    }
    out
}

const SORCERY: &str =
    "; Generated by `pbx-gateway pbx-config`. Do not edit: change the gateway's settings and regenerate.
; PJSIP endpoints, their auths and AORs come from the gateway's database at every lookup (no cache,
; so a change is live at once). Contacts stay in each node's AstDB; transports come from pjsip.conf.
[res_pjsip]
endpoint=realtime,ps_endpoints
auth=realtime,ps_auths
aor=realtime,ps_aors
";

fn pjsip(options: &NodeOptions) -> String {
    format!(
        "{HEADER}; Endpoints are not here: they are the gateway's extensions (sorcery.conf, extconfig.conf).
[global]
type=global
default_realm={realm}
user_agent=pbx-gateway PBX
endpoint_identifier_order=username,ip,anonymous

[transport-udp]
type=transport
protocol=udp
bind={bind}
",
        realm = conf_value(&options.sip_realm),
        bind = options.sip_bind,
    )
}

/// The dialplan. Nothing in it names a tenant: an endpoint's channel carries its tenant as
/// `tenantid` (and `PBXGW_TENANT_ID` from the endpoint's `set_var`); a DIAL sets both as variables.
/// Only numbers reach `Dial`, so a dialled string can never add a second device or option.
const EXTENSIONS: &str =
    "; Generated by `pbx-gateway pbx-config`. Do not edit: change the gateway's settings and regenerate.
[general]
static=yes
writeprotect=yes
clearglobalvars=no

[globals]
PBXGW_RING_SECONDS=30

; Every extension's endpoint starts here (ps_endpoints.context); DIAL (AMI Originate) continues here.
[pbxgw-internal]
; *97: the caller's own voicemail box (asks for its PIN); *98: any box of the tenant.
exten => *97,1,Gosub(pbxgw-tenant,s,1)
 same => n,GotoIf($[\"${PBXGW_TENANT}\" = \"\"]?pbxgw-refuse,s,1)
 same => n,VoiceMailMain(${CUT(CHANNEL(endpoint),-,1)}@${PBXGW_TENANT})
 same => n,Hangup()
exten => *98,1,Gosub(pbxgw-tenant,s,1)
 same => n,GotoIf($[\"${PBXGW_TENANT}\" = \"\"]?pbxgw-refuse,s,1)
 same => n,VoiceMailMain(@${PBXGW_TENANT})
 same => n,Hangup()
; Another extension of the same tenant.
exten => _[0-9+].,1,Gosub(pbxgw-tenant,s,1)
 same => n,GotoIf($[\"${PBXGW_TENANT}\" = \"\"]?pbxgw-refuse,s,1)
 same => n,GotoIf($[${REGEX(\"^[0-9+]{1,40}$\" ${EXTEN})}]?:pbxgw-refuse,s,1)
 same => n,Set(CDR(direction)=LOCAL)
 same => n,Set(CDR(firstdst)=${EXTEN})
 same => n,Set(CDR(lastdst)=${EXTEN})
 same => n,Dial(PJSIP/${EXTEN}-${PBXGW_TENANT},${PBXGW_RING_SECONDS})
 same => n,ExecIf($[\"${DIALSTATUS}\" = \"ANSWER\"]?Set(CDR(whoanswered)=${EXTEN}))
 same => n,Hangup()

; Who the call belongs to: the tenant a DIAL named, else the calling endpoint's. Marks the channel
; with it (CHANNEL(tenantid): AMI events carry it, so the gateway's live views know it, also for
; Local channels) and fills the CDR's tenant and caller columns once, at the start of every call.
[pbxgw-tenant]
exten => s,1,ExecIf($[\"${PBXGW_TENANT}\" = \"\"]?Set(__PBXGW_TENANT=${CHANNEL(tenantid)}))
 same => n,ExecIf($[\"${CHANNEL(tenantid)}\" = \"\"]?Set(CHANNEL(tenantid)=${PBXGW_TENANT}))
 same => n,ExecIf($[\"${PBXGW_TENANT_ID}\" != \"\"]?Set(CDR(te_id)=${PBXGW_TENANT_ID}))
 same => n,Set(CDR(realsrc)=${CALLERID(num)})
 same => n,Return()

[pbxgw-refuse]
exten => s,1,Hangup(21)
";

const QUEUES: &str =
    "; Generated by `pbx-gateway pbx-config`. Do not edit: change the gateway's settings and regenerate.
; Queues and their members are realtime (the gateway's database is the truth), so nothing persists here.
[general]
persistentmembers=no
autofill=yes
shared_lastcall=yes
log_membername_as_agent=yes
";

const VOICEMAIL: &str =
    "; Generated by `pbx-gateway pbx-config`. Do not edit: change the gateway's settings and regenerate.
; Mailboxes are realtime (table `voicemail`): context = tenant code, mailbox = number.
[general]
format=wav49|gsm|wav
attach=no
searchcontexts=no
maxmsg=100
maxsecs=300
minsecs=1
maxlogins=3
";

const CDR: &str = "; Generated by `pbx-gateway pbx-config`. Do not edit: change the gateway's settings and regenerate.
; Every call, answered or not, is written to the gateway's `cdr` table (cdr_pgsql / cdr_sqlite3_custom).
[general]
enable=yes
unanswered=yes
congestion=yes
safeshutdown=yes
";

const LOGGER: &str =
    "; Generated by `pbx-gateway pbx-config`. Do not edit: change the gateway's settings and regenerate.
; queue_log goes to the gateway's database (extconfig.conf), in UTC, with data1..data5 columns.
[general]
queue_log=yes
queue_log_to_file=no
queue_adaptive_realtime=yes
queue_log_realtime_use_gmt=yes

[logfiles]
console => notice,warning,error
messages => notice,warning,error,verbose
";

fn manager(options: &NodeOptions) -> String {
    let mut out = format!(
        "{HEADER}; The gateway's AMI user. Include it from manager.conf: #include manager_pbx-gateway.conf
[{user}]
secret={secret}
deny=0.0.0.0/0.0.0.0
",
        user = conf_value(&options.ami_user),
        secret = conf_value(&options.ami_secret),
    );
    for permit in &options.ami_permit {
        let _ = writeln!(out, "permit={}", conf_value(permit));
    }
    let _ = write!(out, "read={AMI_READ}\nwrite={AMI_WRITE}\nwritetimeout=5000\n");
    out
}

fn res_pgsql(pg: &PgParams) -> String {
    format!(
        "{HEADER}; res_config_pgsql: the connection of every realtime family.
[general]
{connection}appname=asterisk-realtime
requirements=warn
",
        connection = pg_connection(pg),
    )
}

fn cdr_pgsql(pg: &PgParams) -> String {
    format!(
        "{HEADER}; cdr_pgsql fills every column of `cdr` from the CDR field or CDR variable of the same name.
[global]
{connection}appname=asterisk-cdr
table=cdr
encoding=UTF8
timezone=UTC
",
        connection = pg_connection(pg),
    )
}

/// The connection lines both PostgreSQL modules read (same option names in both files).
fn pg_connection(pg: &PgParams) -> String {
    format!(
        "hostname={}\nport={}\ndbname={}\nuser={}\npassword={}\n",
        conf_value(&pg.host),
        pg.port,
        conf_value(&pg.dbname),
        conf_value(&pg.user),
        conf_value(&pg.password),
    )
}

fn res_config_sqlite3(path: &Path) -> String {
    format!(
        "{HEADER}; res_config_sqlite3 on the gateway's own SQLite file. batch=0: the gateway writes to the same
; file, and a batched transaction would hold its write lock.
[pbxgw]
dbfile => {path}
requirements => warn
batch => 0
busy_timeout => 5000
",
        path = path.display(),
    )
}

fn cdr_sqlite3_custom() -> String {
    let columns: Vec<&str> = SQLITE_CDR_COLUMNS.iter().map(|(column, _)| *column).collect();
    let values: Vec<String> = SQLITE_CDR_COLUMNS.iter().map(|(_, value)| format!("'{value}'")).collect();
    format!(
        "{HEADER}; cdr_sqlite3_custom writes to <astlogdir>/master.db only: make that a symbolic link to the
; gateway's database file (README.pbx-gateway.txt). It inserts into the view pbx_cdr_in, which
; stores each row in `cdr` with UTC times.
[master]
table => pbx_cdr_in
columns => {columns}
values => {values}
busy_timeout => 5000
",
        columns = columns.join(", "),
        values = values.join(","),
    )
}

fn readme(database: &NodeDatabase) -> String {
    let mut out = String::from(
        "Files for an Asterisk 22 node of pbx-gateway (generated by `pbx-gateway pbx-config`).

Copy every *.conf file into the node's configuration directory (astetcdir, usually /etc/asterisk),
replacing files of the same name, and add this line to manager.conf:

    #include manager_pbx-gateway.conf

Then restart Asterisk once. After that the node needs no reload when tenants, extensions, queues,
members or voicemail boxes change: it reads them from the gateway's database at every lookup.

Modules: res_config_pgsql or res_config_sqlite3, res_pjsip*, app_queue, app_voicemail,
cdr_pgsql or cdr_sqlite3_custom (autoload loads them).
",
    );
    if let NodeDatabase::Sqlite(path) = database {
        let _ = write!(
            out,
            "
SQLite: the node must run on the gateway's machine. cdr_sqlite3_custom only writes to
<astlogdir>/master.db, so link that file to the gateway's database:

    ln -sf {path} <astlogdir>/master.db
",
            path = path.display()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn options(url: &str) -> NodeOptions {
        NodeOptions {
            database_url: url.into(),
            sip_realm: "pbx.example".into(),
            sip_bind: "127.0.0.1:5060".parse().unwrap(),
            ami_user: "gw".into(),
            ami_secret: "s3cret;x".into(),
            ami_permit: vec!["10.0.0.5/255.255.255.255".into()],
        }
    }

    fn file<'a>(files: &'a [NodeFile], name: &str) -> &'a NodeFile {
        files.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{name} generated"))
    }

    #[test]
    fn postgres_node_reads_and_writes_the_gateway_database() {
        let files = render(&options("postgres://ast:p%40ss@db.example:6432/pbx?sslmode=disable")).unwrap();
        let pg = file(&files, "res_pgsql.conf");
        assert!(pg.secret);
        for line in ["hostname=db.example", "port=6432", "dbname=pbx", "user=ast", "password=p@ss"] {
            assert!(pg.contents.contains(line), "{line} in {}", pg.contents);
        }
        assert!(file(&files, "cdr_pgsql.conf").contents.contains("table=cdr\n"));
        assert!(file(&files, "cdr_pgsql.conf").contents.contains("timezone=UTC\n"));
        let ext = &file(&files, "extconfig.conf").contents;
        for family in REALTIME_FAMILIES {
            assert!(ext.contains(&format!("{family} => pgsql,general,{family}\n")), "{family}");
        }
        assert!(files.iter().all(|f| f.name != "res_config_sqlite3.conf"));
    }

    #[test]
    fn sqlite_node_uses_the_same_file_with_an_absolute_path() {
        let files = render(&options("sqlite://data/gw.db?mode=rwc")).unwrap();
        let conf = &file(&files, "res_config_sqlite3.conf").contents;
        let expected = std::path::absolute("data/gw.db").unwrap();
        assert!(conf.contains(&format!("dbfile => {}\n", expected.display())), "{conf}");
        assert!(conf.contains("batch => 0"));
        let cdr = &file(&files, "cdr_sqlite3_custom.conf").contents;
        assert_eq!(
            cdr.lines().find(|l| l.starts_with("columns")).unwrap().split(", ").count(),
            SQLITE_CDR_COLUMNS.len()
        );
        assert!(file(&files, "README.pbx-gateway.txt").contents.contains("master.db"));
        assert!(file(&files, "extconfig.conf").contents.contains("ps_endpoints => sqlite3,pbxgw,ps_endpoints\n"));
    }

    #[test]
    fn realm_bind_and_ami_user_come_from_the_options() {
        let files = render(&options("sqlite://gw.db")).unwrap();
        let pjsip = &file(&files, "pjsip.conf").contents;
        assert!(pjsip.contains("default_realm=pbx.example\n"));
        assert!(pjsip.contains("bind=127.0.0.1:5060\n"));
        let manager = file(&files, "manager_pbx-gateway.conf");
        assert!(manager.secret);
        assert!(manager.contents.contains("[gw]\nsecret=s3cret\\;x\n"), "{}", manager.contents);
        assert!(manager.contents.contains("permit=10.0.0.5/255.255.255.255\n"));
        assert!(manager.contents.contains(&format!("read={AMI_READ}\n")));
        assert!(file(&files, "extensions.conf").contents.contains(&format!("[{INTERNAL_CONTEXT}]")));
    }

    #[test]
    fn values_that_would_break_a_config_line_are_refused() {
        let mut bad = options("sqlite://gw.db");
        bad.ami_secret = "a\nb".into();
        assert_eq!(render(&bad), Err(NodeConfigError::LineBreak { what: "the AMI secret" }));
        assert_eq!(render(&options("mysql://x/y")), Err(NodeConfigError::UnsupportedDatabase));
        assert!(matches!(render(&options("postgres://h:99999/db")), Err(NodeConfigError::BadUrl(_))));
    }
}
