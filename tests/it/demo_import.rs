//! `demo-data` and `import cdrs`, run as the built binary against the test database.

use std::path::{Path, PathBuf};
use std::process::Command;

use pbx_gateway::auth::Principal;
use pbx_gateway::config::Config;
use pbx_gateway::service::{Core, objects, tenants::TenantRules};
use serde_json::json;

use crate::helpers::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_pbx-gateway");

/// A test database with tenant ACME, per-test file directories, and the core to inspect both.
struct Fixture {
    core: Core,
    tenant_id: i64,
    dir: PathBuf,
    db: TestDb,
}

impl Fixture {
    async fn new() -> Fixture {
        let db = TestDb::create().await;
        let core = Core::start(Config::for_database(&db.url)).await.unwrap();
        let mut input = serde_json::Map::new();
        input.insert("te_code".into(), json!("ACME"));
        input.insert("te_name".into(), json!("Acme"));
        let tenant = objects::create(&core, &Principal::system(), &TenantRules, None, &input).await.unwrap();
        let dir = std::env::temp_dir().join(format!("pbxgw-demo-{}", pbx_gateway::auth::secrets::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        Fixture { core, tenant_id: tenant.id, dir, db }
    }

    /// Runs the binary; (success, stderr).
    fn run(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new(BIN)
            .args(args)
            .env("DATABASE_URL", &self.db.url)
            .env("PBXGW_SPOOL_DIR", self.dir.join("voicemail"))
            .env("PBXGW_RECORDINGS_DIR", self.dir.join("recordings"))
            .env("PBXGW_FAX_DIR", self.dir.join("faxes"))
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(self.core.db().pool())
            .await
            .unwrap()
    }

    async fn texts(&self, sql: &str) -> Vec<String> {
        sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_all(self.core.db().pool())
            .await
            .unwrap()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_wav(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.len() > 44 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WAVE" && &bytes[36..40] == b"data"
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() { out.extend(files(&path)) } else { out.push(path) }
        }
    }
    out
}

const DEMO: &[&str] = &[
    "demo-data",
    "--tenant",
    "ACME",
    "--cdrs",
    "300",
    "--queue-logs",
    "50",
    "--ivr-logs",
    "20",
    "--response-paths",
    "5",
    "--voicemails",
    "4",
    "--recordings",
    "3",
    "--days",
    "3",
    "--seed",
    "7",
];

#[tokio::test]
async fn demo_data_writes_what_the_flags_ask_for_consistently() {
    let f = Fixture::new().await;
    let (ok, err) = f.run(DEMO);
    assert!(ok, "{err}");
    assert!(err.contains("300 CDRs") && err.contains("seed 7"), "summary on stderr: {err}");
    let te = f.tenant_id;

    assert_eq!(f.count(&format!("SELECT COUNT(*) FROM cdr WHERE te_id = {te} AND accountcode = 'ACME'")).await, 300);
    let inconsistent = "SELECT COUNT(*) FROM cdr WHERE billsec > duration OR billsec < 0 OR te_id IS NULL \
         OR (answer IS NULL AND disposition = 'ANSWERED') OR (answer IS NOT NULL AND disposition <> 'ANSWERED') \
         OR \"end\" < calldate OR (answer IS NOT NULL AND (answer < calldate OR answer > \"end\")) \
         OR disposition NOT IN ('ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED') OR direction NOT IN ('IN', 'OUT', 'LOCAL') \
         OR lastapp NOT IN ('Dial', 'Queue', 'VoiceMail') OR uniqueid NOT LIKE 'srv01-%' OR linkedid <> uniqueid";
    assert_eq!(f.count(inconsistent).await, 0);
    let oldest = f.texts("SELECT MIN(calldate) FROM cdr").await.remove(0);
    let limit = (chrono::Utc::now() - chrono::Duration::days(3)).format("%Y-%m-%d %H:%M:%S").to_string();
    assert!(oldest >= limit, "{oldest} is within the last 3 days");
    for id in f.texts("SELECT originateid FROM cdr WHERE originateid <> ''").await {
        assert!(id.len() == 14 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
    }
    // Channels and answering agents name this tenant's extensions.
    for who in f.texts("SELECT whoanswered FROM cdr WHERE direction = 'LOCAL' AND whoanswered <> ''").await {
        assert!(who.ends_with("-ACME"), "{who}");
    }

    assert_eq!(f.count("SELECT COUNT(*) FROM queue_log").await, 50);
    let unknown_agents = "SELECT COUNT(*) FROM queue_log WHERE event IN ('CONNECT', 'COMPLETEAGENT', 'COMPLETECALLER', \
         'RINGNOANSWER') AND agent NOT IN (SELECT membername FROM queue_members)";
    assert_eq!(f.count(unknown_agents).await, 0);
    let events = f.texts("SELECT DISTINCT event FROM queue_log").await;
    assert!(events.iter().all(|e| {
        ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "ABANDON", "RINGNOANSWER"].contains(&e.as_str())
    }));
    let queue_names =
        "SELECT COUNT(*) FROM queue_log WHERE queuename NOT IN (SELECT CAST(qu_id AS TEXT) FROM qu_queues)";
    assert_eq!(f.count(queue_names).await, 0);

    assert_eq!(f.count(&format!("SELECT COUNT(*) FROM il_ivrlogs WHERE il_te_id = {te}")).await, 20);
    assert_eq!(f.count("SELECT COUNT(DISTINCT rr_uniqueid) FROM rr_responsepath_results").await, 5);
    assert_eq!(f.count("SELECT COUNT(*) FROM rr_responsepath_results WHERE rr_type = 'START'").await, 5);
    let variables =
        f.texts("SELECT DISTINCT rr_type_name FROM rr_responsepath_results WHERE rr_type = 'VARIABLE'").await;
    assert!(variables.len() == 3 && variables.iter().all(|v| !v.is_empty()), "{variables:?}");

    // Recordings: rows linked to answered CDRs, files where re_path says, valid WAVs.
    assert_eq!(f.count("SELECT COUNT(*) FROM re_recordings").await, 3);
    let unlinked = "SELECT COUNT(*) FROM re_recordings WHERE re_uniqueid NOT IN \
         (SELECT uniqueid FROM cdr WHERE disposition = 'ANSWERED')";
    assert_eq!(f.count(unlinked).await, 0);
    for path in f.texts("SELECT re_path FROM re_recordings").await {
        assert!(path.starts_with("ACME/") && path.ends_with(".wav"), "{path}");
        assert!(is_wav(&f.dir.join("recordings").join(path)));
    }

    // Voicemail: Asterisk's spool layout, a [message] file with a msg_id beside each WAV.
    let spool = files(&f.dir.join("voicemail"));
    let texts: Vec<&PathBuf> = spool.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    assert_eq!(texts.len(), 4, "{spool:?}");
    for txt in texts {
        let folder = txt.parent().unwrap();
        assert!(folder.ends_with("INBOX") || folder.ends_with("Old"), "{txt:?}");
        assert!(folder.parent().unwrap().parent().unwrap().ends_with("voicemail/ACME"), "{txt:?}");
        let body = std::fs::read_to_string(txt).unwrap();
        assert!(body.contains("[message]") && body.contains("origmailbox="), "{body}");
        let msg_id = body.lines().find_map(|l| l.strip_prefix("msg_id=")).expect("msg_id");
        let (epoch, hex) = msg_id.split_once('-').unwrap();
        assert!(epoch.parse::<i64>().is_ok() && hex.len() == 8, "{msg_id}");
        assert!(is_wav(&txt.with_extension("wav")));
    }

    // Again (another seed): the objects are reused, the data added.
    let again: Vec<&str> = DEMO.iter().map(|a| if *a == "7" { "8" } else { *a }).collect();
    let (ok, err) = f.run(&again);
    assert!(ok, "{err}");
    assert_eq!(f.count(&format!("SELECT COUNT(*) FROM ex_extensions WHERE ex_te_id = {te}")).await, 10);
    assert_eq!(f.count(&format!("SELECT COUNT(*) FROM qu_queues WHERE qu_te_id = {te}")).await, 2);
    assert_eq!(f.count("SELECT COUNT(*) FROM cdr").await, 600);
    let spool = files(&f.dir.join("voicemail"));
    assert_eq!(spool.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")).count(), 8);
}

#[tokio::test]
async fn demo_data_for_an_unknown_tenant_fails_clearly() {
    let f = Fixture::new().await;
    let (ok, err) = f.run(&["demo-data", "--tenant", "NOPE"]);
    assert!(!ok);
    assert!(err.contains("unknown tenant \"NOPE\""), "{err}");
    assert_eq!(f.count("SELECT COUNT(*) FROM cdr").await, 0);
    let (ok, err) = f.run(&["import", "cdrs", "--tenant", "NOPE", "/dev/null"]);
    assert!(!ok && err.contains("unknown tenant"), "{err}");
}

/// Three cdr_csv records: a quoted comma and doubled quotes, an embedded newline, and one with the
/// `newcdrcolumns` fields.
const MASTER_CSV: &str = concat!(
    r#""ACME","101","0212345678","from-internal-ACME","""Bob, Jr."" <101>","PJSIP/101-ACME-00000001","PJSIP/provider1-00000002","Dial","PJSIP/0212345678@provider1,60,T","2026-01-02 03:04:05","2026-01-02 03:04:09","2026-01-02 03:05:09","64","60","ANSWERED","DOCUMENTATION","srv01-1767323045.1","""#,
    "\n",
    r#""ACME","102","103","from-internal-ACME","""Ann"" <102>","PJSIP/102-ACME-00000003","PJSIP/103-ACME-00000004","Dial","PJSIP/103-ACME,30,tT","2026-01-02 04:00:00","","2026-01-02 04:00:30","30","0","NO ANSWER","BILLING","srv01-1767326400.2","note line1"#,
    "\n",
    r#"line2""#,
    "\r\n",
    r#""ACME","0612345678","0287654321","from-trunk-ACME","0612345678","PJSIP/provider1-00000005","PJSIP/104-ACME-00000006","Queue","1,t,,,300","2026-01-02 05:00:00","2026-01-02 05:00:10","2026-01-02 05:02:10","130","120","ANSWERED","3","srv01-1767330000.3","","ACME","srv01-1767330000.3","7""#,
    "\n"
);

#[tokio::test]
async fn import_master_csv_exactly_once() {
    let f = Fixture::new().await;
    let file = f.write("Master.csv", MASTER_CSV);
    let (ok, err) = f.run(&["import", "cdrs", "--tenant", "ACME", &file]);
    assert!(ok, "{err}");
    assert!(err.contains("imported 3 CDRs, skipped 0 duplicates and 0 invalid lines"), "{err}");
    let te = f.tenant_id;
    assert_eq!(f.count(&format!("SELECT COUNT(*) FROM cdr WHERE te_id = {te}")).await, 3);

    let clid = f.texts("SELECT clid FROM cdr WHERE uniqueid = 'srv01-1767323045.1'").await;
    assert_eq!(clid, vec!["\"Bob, Jr.\" <101>"]);
    let first = "SELECT COUNT(*) FROM cdr WHERE uniqueid = 'srv01-1767323045.1' AND calldate = '2026-01-02 03:04:05' \
         AND answer = '2026-01-02 03:04:09' AND \"end\" = '2026-01-02 03:05:09' AND duration = 64 AND billsec = 60 \
         AND amaflags = 3 AND lastdata = 'PJSIP/0212345678@provider1,60,T' AND realsrc = '101' \
         AND firstdst = '0212345678' AND direction = 'OUT' AND accountcode = 'ACME'";
    assert_eq!(f.count(first).await, 1);
    let second = "SELECT COUNT(*) FROM cdr WHERE uniqueid = 'srv01-1767326400.2' AND answer IS NULL AND amaflags = 2 \
         AND disposition = 'NO ANSWER' AND direction = 'LOCAL'";
    assert_eq!(f.count(second).await, 1);
    let userfield = f.texts("SELECT userfield FROM cdr WHERE uniqueid = 'srv01-1767326400.2'").await;
    assert_eq!(userfield, vec!["note line1\nline2"]);
    let third = "SELECT COUNT(*) FROM cdr WHERE uniqueid = 'srv01-1767330000.3' AND peeraccount = 'ACME' \
         AND linkedid = 'srv01-1767330000.3' AND sequence = 7 AND direction = 'IN' AND amaflags = 3";
    assert_eq!(f.count(third).await, 1);

    let (ok, err) = f.run(&["import", "cdrs", "--tenant", "ACME", &file]);
    assert!(ok, "{err}");
    assert!(err.contains("imported 0 CDRs, skipped 3 duplicates"), "{err}");
    assert_eq!(f.count("SELECT COUNT(*) FROM cdr").await, 3);
}

#[tokio::test]
async fn a_bad_line_aborts_the_import_unless_skipped() {
    let f = Fixture::new().await;
    let mut lines: Vec<String> = MASTER_CSV.split_inclusive('\n').map(str::to_string).collect();
    // Physical lines: 1 good, 2 bad start time, 3-4 good (embedded newline), 5 too few fields, 6 good.
    lines.insert(1, lines[0].replace("2026-01-02 03:04:05", "yesterday").replace(".1\"", ".9\""));
    lines.insert(4, "\"ACME\",\"101\"\n".into());
    let file = f.write("bad.csv", &lines.concat());

    let (ok, err) = f.run(&["import", "cdrs", "--tenant", "ACME", &file]);
    assert!(!ok);
    assert!(err.contains("line 2: start: not a time"), "{err}");
    assert_eq!(f.count("SELECT COUNT(*) FROM cdr").await, 0, "nothing imported");

    let (ok, err) = f.run(&["import", "cdrs", "--tenant", "ACME", "--skip-invalid", &file]);
    assert!(ok, "{err}");
    assert!(err.contains("skipped line 2: start") && err.contains("skipped line 5: expected 18 or 21 fields"), "{err}");
    assert!(err.contains("imported 3 CDRs, skipped 0 duplicates and 2 invalid lines"), "{err}");
    assert_eq!(f.count("SELECT COUNT(*) FROM cdr").await, 3);
}
