//! `pbx-gateway demo-data`: fills an existing tenant with realistic, internally consistent PBX data
//! (objects, CDRs, queue log, IVR log, response-path results, voicemail spool files, recordings),
//! so the reporting endpoints, exports and the UI can be tried without a PBX. A `--seed` makes the
//! data reproducible (relative to the time it runs: times fall within the last `--days` days).

pub mod generate;
pub mod rng;
pub mod setup;
pub mod wav;

use std::sync::Arc;
use std::time::Instant;

use generate::Generator;
use setup::Setup;

use crate::config::FileDirs;
use crate::service::ConflictKind;
use crate::service::files::FileRoot;
use crate::service::{Core, ServiceError};
use crate::store::cdr_import::{self as bulk, CdrRow, RecordingRow};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Tenant code (must exist).
    pub tenant: String,
    /// Number of CDRs.
    pub cdrs: u64,
    /// Number of queue_log rows (whole call sequences, the last one possibly cut short).
    pub queue_logs: u64,
    /// Number of IVR log rows.
    pub ivr_logs: u64,
    /// Number of response path runs (each writes several steps).
    pub response_paths: u64,
    /// Number of voicemail messages.
    pub voicemails: u64,
    /// Number of recordings (at most one per answered CDR of this run).
    pub recordings: u64,
    /// Times fall within this many days before now.
    pub days: u32,
    /// Seed; `None` picks one (and the summary shows it).
    pub seed: Option<u64>,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The seed used.
    pub seed: u64,
    /// CDRs written.
    pub cdrs: u64,
    /// queue_log rows written.
    pub queue_logs: u64,
    /// il_ivrlogs rows written.
    pub ivr_logs: u64,
    /// Response path runs written.
    pub response_paths: u64,
    /// Response path steps written.
    pub response_path_steps: u64,
    /// Voicemail messages written (txt + wav pairs).
    pub voicemails: u64,
    /// Recordings written (file + row).
    pub recordings: u64,
    /// Seconds the whole run took.
    pub seconds: f64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "demo data (seed {}): {} CDRs, {} queue log rows, {} IVR log rows, {} response path runs ({} steps), \
             {} voicemails, {} recordings in {:.1} s",
            self.seed,
            self.cdrs,
            self.queue_logs,
            self.ivr_logs,
            self.response_paths,
            self.response_path_steps,
            self.voicemails,
            self.recordings,
            self.seconds
        )
    }
}

/// Rows generated and handed to the store at once (the store splits them by the parameter limit).
const BATCH: u64 = 10_000;
/// Rows per transaction: large enough to be fast, small enough not to hold SQLite's write lock for long.
const ROWS_PER_TRANSACTION: u64 = 100_000;

/// Generates and writes everything `options` asks for.
pub async fn run(core: &Core, dirs: &FileDirs, options: &Options) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let setup = Arc::new(setup::ensure(core, &options.tenant).await?);
    let seed = options.seed.unwrap_or_else(rand::random);
    let generator = Generator::new(seed, Arc::clone(&setup), chrono::Utc::now().timestamp(), options.days);
    let mut summary = Summary { seed, ..Summary::default() };
    let (mut generator, to_record) = write_cdrs(core, generator, options, &mut summary).await?;
    write_logs(core, &mut generator, options, &mut summary).await?;
    write_voicemails(
        &FileRoot::new(&dirs.voicemail_spool, "voicemail spool"),
        &setup,
        &mut generator,
        options,
        &mut summary,
    )
    .await?;
    let recordings = FileRoot::new(&dirs.recordings, "recordings");
    write_recordings(core, &recordings, &setup, to_record, &mut summary).await?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Writes the CDRs; returns the generator and a uniform sample of answered calls (uniqueid,
/// calldate) to record. Rows are generated on a blocking thread while the previous batch is being
/// written, so generation and the database work side by side.
async fn write_cdrs(
    core: &Core,
    generator: Generator,
    options: &Options,
    summary: &mut Summary,
) -> anyhow::Result<(Generator, Vec<(String, String)>)> {
    let backend = core.db().backend();
    let total = options.cdrs;
    let wanted = usize::try_from(options.recordings).unwrap_or(usize::MAX);
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Vec<CdrRow>>(2);
    let producer = tokio::task::spawn_blocking(move || {
        let mut generator = generator;
        let mut sample: Vec<(String, String)> = Vec::new();
        let (mut answered, mut made) = (0u64, 0u64);
        while made < total {
            let n = BATCH.min(total - made);
            let batch: Vec<CdrRow> = (0..n).map(|_| generator.cdr()).collect();
            for row in batch.iter().filter(|r| r.disposition == "ANSWERED" && r.lastapp != "VoiceMail") {
                // Reservoir sampling: every answered call is equally likely to be recorded.
                answered += 1;
                let entry = (row.uniqueid.clone(), row.calldate.clone());
                if sample.len() < wanted {
                    sample.push(entry);
                } else if let Ok(slot) = usize::try_from(generator.rng().below(answered))
                    && slot < wanted
                {
                    sample[slot] = entry;
                }
            }
            made += n;
            // A closed channel means the writer failed; its error is what gets reported.
            if sender.blocking_send(batch).is_err() {
                break;
            }
        }
        (generator, sample)
    });
    let mut tx = core.db().begin().await?;
    let mut in_transaction = 0;
    while let Some(batch) = batches.recv().await {
        let n = batch.len() as u64;
        bulk::insert_cdrs(&mut tx, backend, batch).await?;
        summary.cdrs += n;
        in_transaction += n;
        if in_transaction >= ROWS_PER_TRANSACTION {
            tx.commit().await?;
            tx = core.db().begin().await?;
            in_transaction = 0;
        }
    }
    tx.commit().await?;
    Ok(producer.await?)
}

/// Writes queue log, IVR log and response path results in one transaction.
async fn write_logs(
    core: &Core,
    generator: &mut Generator,
    options: &Options,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let backend = core.db().backend();
    let mut tx = core.db().begin().await?;
    let mut queue_rows = Vec::new();
    while summary.queue_logs < options.queue_logs {
        queue_rows.clear();
        while (queue_rows.len() as u64) < BATCH.min(options.queue_logs - summary.queue_logs) {
            generator.queue_call(&mut queue_rows);
        }
        // The last sequence may be cut short: a call still waiting in the queue looks the same.
        queue_rows.truncate(usize::try_from(BATCH.min(options.queue_logs - summary.queue_logs)).unwrap_or(0));
        summary.queue_logs += queue_rows.len() as u64;
        bulk::insert_queue_log(&mut tx, backend, &queue_rows).await?;
    }
    while summary.ivr_logs < options.ivr_logs {
        let n = BATCH.min(options.ivr_logs - summary.ivr_logs);
        let rows: Vec<_> = (0..n).map(|_| generator.ivr_log()).collect();
        bulk::insert_ivr_logs(&mut tx, backend, &rows).await?;
        summary.ivr_logs += n;
    }
    while summary.response_paths < options.response_paths {
        let n = (BATCH / 10).min(options.response_paths - summary.response_paths);
        let mut steps = Vec::new();
        for _ in 0..n {
            generator.response_path_run(&mut steps);
        }
        bulk::insert_response_path_steps(&mut tx, backend, &steps).await?;
        summary.response_paths += n;
        summary.response_path_steps += steps.len() as u64;
    }
    tx.commit().await?;
    Ok(())
}

/// Writes voicemail messages into Asterisk's spool layout, numbering after the messages already there.
async fn write_voicemails(
    spool: &FileRoot,
    setup: &Setup,
    generator: &mut Generator,
    options: &Options,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    if options.voicemails > 0 {
        tokio::fs::create_dir_all(spool.dir()).await?;
    }
    for _ in 0..options.voicemails {
        let mailbox = generator.rng().pick(&setup.mailboxes).number.clone();
        let (text, duration, heard) = generator.voicemail(&mailbox);
        let folder = format!("{}/{mailbox}/{}", setup.code, if heard { "Old" } else { "INBOX" });
        let number = next_message_number(spool, &folder).await?;
        let frequency = 300.0 + 50.0 * f64::from(u32::try_from(generator.rng().below(10)).unwrap_or(0));
        // Audio first: Asterisk and the gateway treat the .txt as the message, so it comes last.
        spool.write_new(&format!("{folder}/msg{number:04}.wav"), &wav::tone(frequency, duration * 1000)).await?;
        spool.write_new(&format!("{folder}/msg{number:04}.txt"), text.as_bytes()).await?;
        summary.voicemails += 1;
    }
    Ok(())
}

/// The first unused `msgNNNN` number of a spool folder.
async fn next_message_number(spool: &FileRoot, folder: &str) -> anyhow::Result<u32> {
    let dir = match spool.resolve_existing(folder).await {
        Ok(dir) => dir,
        Err(ServiceError::NotFound(_)) => return Ok(0),
        Err(err) => return Err(err.into()),
    };
    let mut next = 0;
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name();
        let number = name.to_str().and_then(|n| n.strip_prefix("msg")).and_then(|n| n.get(..4)?.parse::<u32>().ok());
        if let Some(number) = number {
            next = next.max(number + 1);
        }
    }
    Ok(next)
}

/// Writes a short WAV per sampled call and its `re_recordings` row.
async fn write_recordings(
    core: &Core,
    root: &FileRoot,
    setup: &Setup,
    calls: Vec<(String, String)>,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    if calls.is_empty() {
        return Ok(());
    }
    tokio::fs::create_dir_all(root.dir()).await?;
    let audio = wav::tone(440.0, 400);
    let mut rows = Vec::with_capacity(calls.len());
    for (uniqueid, calldate) in calls {
        let day = calldate.get(..10).unwrap_or_default().replace('-', "/");
        let path = format!("{}/{day}/{uniqueid}.wav", setup.code);
        match root.write_new(&path, &audio).await {
            Ok(_) => {}
            // Only a rerun with the same seed within the same second makes the same uniqueid.
            Err(ServiceError::Conflict { kind: ConflictKind::Duplicate, .. }) => continue,
            Err(err) => return Err(err.into()),
        }
        rows.push(RecordingRow {
            te_id: setup.tenant_id,
            name: format!("{uniqueid}.wav"),
            uniqueid,
            date: calldate,
            size: i64::try_from(audio.len()).unwrap_or(0),
            path,
        });
    }
    let mut tx = core.db().begin().await?;
    bulk::insert_recordings(&mut tx, core.db().backend(), &rows).await?;
    tx.commit().await?;
    summary.recordings = rows.len() as u64;
    Ok(())
}
