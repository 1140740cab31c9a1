//! Password hashing with argon2id at OWASP's recommended cost (m = 19 MiB, t = 2, p = 1).
//! Hashing is CPU- and memory-heavy: callers go through [`bounded`], which runs it on a few
//! dedicated threads (one per core but one), so a login flood queues instead of taking a 19 MiB buffer
//! per request. Dedicated rather than tokio's blocking pool: glibc gives each thread that frees a
//! 19 MiB buffer an arena that keeps it, and the blocking pool spreads work over ever new threads;
//! 200 parallel logins grew RSS from 48 MiB to 726 MiB that way, and it never came back.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sha2::{Digest as _, Sha256};

/// Marks a stored hash whose input was a client-supplied SHA-256 digest rather than the password
/// (legacy `us_password` may arrive pre-hashed, CONTRACT §6 Q8). Such a hash verifies a password
/// by hashing it with SHA-256 first.
const PREHASHED_MARK: &str = "sha256:";

fn params() -> Params {
    // These constants are valid argon2 parameters; `Params::new` only fails for out-of-range values.
    Params::new(19 * 1024, 2, 1, None).unwrap_or_default()
}

/// Largest memory cost a stored hash may ask for (64 MiB): a stored hash never makes the gateway
/// allocate without bound.
const MAX_BLOCKS: usize = 64 * 1024;

thread_local! {
    /// The argon2 working memory of this thread, kept for the thread's life. Allocating 19 MiB per
    /// hash instead made glibc keep one more buffer after almost every login (measured: RSS +8.5 MiB
    /// per sequential login); a reused buffer costs exactly its size per argon2 thread.
    static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Computes argon2 of `input` and `salt` into `out`, in this thread's reused memory.
fn argon2_into(argon: &Argon2<'_>, params: &Params, input: &[u8], salt: &[u8], out: &mut [u8]) -> anyhow::Result<()> {
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        anyhow::bail!("argon2 memory cost above {MAX_BLOCKS} KiB");
    }
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon
            .hash_password_into_with_memory(input, salt, out, &mut memory[..blocks])
            .map_err(|e| anyhow::anyhow!("argon2 failed: {e}"))
    })
}

/// Runs `work` (hashing or verifying) on the argon2 threads; waiting callers hold nothing but their
/// place in the queue. Work whose caller went away (a client that hung up) is skipped.
pub async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let (done, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        if !done.is_closed() {
            let _ = done.send(work());
        }
    });
    workers().send(job).map_err(|_| anyhow::anyhow!("password hashing threads are gone"))?;
    Ok(answer.await?)
}

type Job = Box<dyn FnOnce() + Send>;

/// How many argon2 threads run: one per core but one, which stays free for everything else (with
/// every core hashing, a login flood held /health at a p99 of 216 ms on 2 cores).
pub fn threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    cores.saturating_sub(1).max(1)
}

/// The queue of the argon2 threads, started on first use.
fn workers() -> &'static std::sync::mpsc::Sender<Job> {
    static QUEUE: std::sync::OnceLock<std::sync::mpsc::Sender<Job>> = std::sync::OnceLock::new();
    QUEUE.get_or_init(|| {
        let (queue, jobs) = std::sync::mpsc::channel::<Job>();
        let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
        for index in 0..threads() {
            let jobs = jobs.clone();
            let spawned = std::thread::Builder::new().name(format!("argon2-{index}")).spawn(move || {
                loop {
                    // The lock is held only while taking a job, not while running it.
                    let next = jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
                    match next {
                        // A panicking job fails its caller (its answer is dropped), not the thread.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => return,
                    }
                }
            });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "could not start a password hashing thread");
            }
        }
        queue
    })
}

/// Hashes a password for storage (PHC string).
pub fn hash(password: &str) -> anyhow::Result<String> {
    hash_bytes(password.as_bytes())
}

fn hash_bytes(input: &[u8]) -> anyhow::Result<String> {
    let params = params();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt: [u8; Salt::RECOMMENDED_LENGTH] = rand::random();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&argon, &params, input, &salt, &mut out)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("argon2 salt: {e}"))?),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("argon2 output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Hashes a legacy `us_password` value: a 64-hex-digit value is taken as the SHA-256 of the password
/// (§6 Q8) and stored as argon2id over that digest; anything else is the password itself.
pub fn hash_legacy(value: &str) -> anyhow::Result<String> {
    if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("{PREHASHED_MARK}{}", hash_bytes(value.to_ascii_lowercase().as_bytes())?))
    } else {
        hash(value)
    }
}

/// Checks a password against a stored hash; a malformed stored hash never verifies.
pub fn verify(password: &str, stored: &str) -> bool {
    let (input, phc) = match stored.strip_prefix(PREHASHED_MARK) {
        Some(phc) => (hex::encode(Sha256::digest(password.as_bytes())).into_bytes(), phc),
        None => (password.as_bytes().to_vec(), stored),
    };
    verify_phc(&input, phc)
}

/// Recomputes a PHC string's hash with its own algorithm, version, parameters and salt, and
/// compares in constant time.
fn verify_phc(input: &[u8], phc: &str) -> bool {
    let Ok(stored) = PasswordHash::new(phc) else { return false };
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else { return false };
    let Ok(algorithm) = Algorithm::new(stored.algorithm.as_str()) else { return false };
    let Ok(version) = stored.version.map_or(Ok(Version::default()), Version::try_from) else { return false };
    let Ok(params) = Params::try_from(&stored) else { return false };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    if argon2_into(&argon, &params, input, salt, &mut out).is_err() {
        return false;
    }
    // `Output` compares in constant time.
    Output::new(&out).is_ok_and(|computed| &computed == expected)
}

/// A hash of a random password, verified against when the user does not exist so that a login
/// for an unknown name costs the same time as one for a known name.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&super::secrets::random_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let stored = hash("correct horse").unwrap_or_default();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse", &stored));
        assert!(!verify("wrong", &stored));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn hashes_of_the_argon2_crates_own_hasher_verify_and_ours_verify_there() {
        use argon2::{PasswordHasher as _, PasswordVerifier as _};
        let standard = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let theirs = standard.hash_password(b"correct horse").map(|h| h.to_string()).unwrap_or_default();
        assert!(verify("correct horse", &theirs) && !verify("wrong horse", &theirs));
        let ours = hash("correct horse").unwrap_or_default();
        assert!(standard.verify_password(b"correct horse", ours.as_str()).is_ok());
        // Other parameters stored in the hash are honoured, absurd ones refused.
        let light = Argon2::new(Algorithm::Argon2i, Version::V0x10, Params::new(64, 1, 1, None).unwrap_or_default());
        let old = light.hash_password(b"pw").map(|h| h.to_string()).unwrap_or_default();
        assert!(verify("pw", &old));
        let huge = old.replace("m=64", "m=4000000");
        assert!(!verify("pw", &huge));
    }

    #[test]
    fn prehashed_legacy_passwords_verify_with_the_plain_password() {
        let digest = hex::encode(Sha256::digest(b"change-me"));
        let stored = hash_legacy(&digest.to_uppercase()).unwrap_or_default();
        assert!(stored.starts_with(PREHASHED_MARK));
        assert!(verify("change-me", &stored));
        assert!(!verify(&digest, &stored), "the digest itself is not the password");
        let plain = hash_legacy("sha256(change-me)").unwrap_or_default();
        assert!(verify("sha256(change-me)", &plain));
    }
}
