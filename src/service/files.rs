//! The one way the gateway reaches the PBX's files (voicemail spool, recordings, faxes). A path is
//! built from checked segments under a configured root and resolved once more after the filesystem
//! has followed links, so neither a request value (`../`, an absolute path) nor a symlink planted in
//! the spool can lead outside the root. Every refusal looks like a missing file.

use std::path::{Component, Path, PathBuf};

use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

use super::{ServiceError, ServiceResult};
use crate::service::ConflictKind;
use crate::service::Missing;

/// A directory the gateway serves files from.
#[derive(Debug, Clone)]
pub struct FileRoot {
    dir: PathBuf,
    what: &'static str,
}

/// An opened regular file under a root.
#[derive(Debug)]
pub struct OpenedFile {
    /// The open handle, positioned at the start.
    pub file: tokio::fs::File,
    /// Size in bytes.
    pub len: u64,
    /// The resolved path (for logs; never shown to clients).
    pub path: PathBuf,
}

/// True for a path segment that is safe to use as a file or directory name: ASCII letters, digits,
/// `-`, `_`, `.`, `@`, `+`, not starting with a dot (no `..`, no hidden files), at most 128 bytes.
pub fn is_safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment.len() <= 128
        && !segment.starts_with('.')
        && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b'+'))
}

/// True for a relative path made only of safe segments separated by `/`.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty() && path.split('/').all(is_safe_segment)
}

impl FileRoot {
    /// A root at `dir`; `what` names it in logs ("recordings", "voicemail spool", ...).
    pub fn new(dir: impl Into<PathBuf>, what: &'static str) -> FileRoot {
        FileRoot { dir: dir.into(), what }
    }

    /// The configured directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of `relative` under the root, after checking every segment. Does not touch the disk.
    pub fn join(&self, relative: &str) -> ServiceResult<PathBuf> {
        if !is_safe_relative(relative) {
            tracing::info!(root = self.what, "refused an unsafe relative path");
            return Err(ServiceError::NotFound(Missing::File));
        }
        let joined = self.dir.join(relative);
        // Belt and braces: the segment check already excludes these.
        if joined.components().any(|c| matches!(c, Component::ParentDir)) {
            return Err(ServiceError::NotFound(Missing::File));
        }
        Ok(joined)
    }

    /// Resolves an existing path (file or directory) under the root, following links, and refuses
    /// it when the real location is outside the root.
    pub async fn resolve_existing(&self, relative: &str) -> ServiceResult<PathBuf> {
        let joined = self.join(relative)?;
        let real = tokio::fs::canonicalize(&joined).await.map_err(|_| ServiceError::NotFound(Missing::File))?;
        let root = self.canonical_root().await?;
        if !real.starts_with(&root) {
            tracing::warn!(root = self.what, "refused a path that leaves its root through a link");
            return Err(ServiceError::NotFound(Missing::File));
        }
        Ok(real)
    }

    /// Opens an existing regular file under the root.
    pub async fn open(&self, relative: &str) -> ServiceResult<OpenedFile> {
        let path = self.resolve_existing(relative).await?;
        let file = tokio::fs::File::open(&path).await.map_err(|_| ServiceError::NotFound(Missing::File))?;
        let meta = file.metadata().await.map_err(|_| ServiceError::NotFound(Missing::File))?;
        if !meta.is_file() {
            return Err(ServiceError::NotFound(Missing::File));
        }
        Ok(OpenedFile { file, len: meta.len(), path })
    }

    /// Reads a whole (small) file under the root, refusing files larger than `max` bytes.
    pub async fn read_small(&self, relative: &str, max: u64) -> ServiceResult<Vec<u8>> {
        let opened = self.open(relative).await?;
        if opened.len > max {
            return Err(ServiceError::NotFound(Missing::File));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(opened.len).unwrap_or(0));
        opened.file.take(max).read_to_end(&mut bytes).await.map_err(|err| ServiceError::Internal(err.into()))?;
        Ok(bytes)
    }

    /// Writes a new file at `relative` (creating its directories), through a temporary name and a
    /// rename, so a reader never sees half a file. Refuses to replace an existing file.
    pub async fn write_new(&self, relative: &str, bytes: &[u8]) -> ServiceResult<PathBuf> {
        let (target, real_parent) = self.new_target(relative).await?;
        let temporary = real_parent.join(format!(".tmp-{}", crate::auth::secrets::random_token()));
        tokio::fs::write(&temporary, bytes).await.map_err(|err| ServiceError::Internal(err.into()))?;
        if let Err(err) = tokio::fs::rename(&temporary, &target).await {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(ServiceError::Internal(err.into()));
        }
        Ok(target)
    }

    /// Removes a file under the root; a missing file is not an error.
    pub async fn remove(&self, relative: &str) -> ServiceResult<()> {
        match self.resolve_existing(relative).await {
            Ok(path) => match tokio::fs::remove_file(&path).await {
                Ok(()) => Ok(()),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(err) => Err(ServiceError::Internal(err.into())),
            },
            Err(ServiceError::NotFound(_)) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// The checked path of a file about to be created at `relative`: its directories are created
    /// and must really lie under the root, and nothing may exist there yet. Returns the target and
    /// its resolved parent.
    async fn new_target(&self, relative: &str) -> ServiceResult<(PathBuf, PathBuf)> {
        let target = self.join(relative)?;
        let parent = target.parent().ok_or(ServiceError::NotFound(Missing::File))?.to_path_buf();
        tokio::fs::create_dir_all(&parent).await.map_err(|err| ServiceError::Internal(err.into()))?;
        let real_parent = tokio::fs::canonicalize(&parent).await.map_err(|err| ServiceError::Internal(err.into()))?;
        if !real_parent.starts_with(self.canonical_root().await?) {
            return Err(ServiceError::NotFound(Missing::File));
        }
        if tokio::fs::try_exists(&target).await.unwrap_or(true) {
            return Err(ServiceError::conflict(ConflictKind::Duplicate, "file exists"));
        }
        Ok((target, real_parent))
    }

    /// Names of the entries of an existing directory under the root. Names that could not be used
    /// as a safe segment (hidden files, lock files, odd bytes) are left out.
    pub async fn list_dir(&self, relative: &str) -> ServiceResult<Vec<String>> {
        let dir = self.resolve_existing(relative).await?;
        let mut entries = tokio::fs::read_dir(&dir).await.map_err(|_| ServiceError::NotFound(Missing::File))?;
        let mut names = Vec::new();
        while let Some(entry) = entries.next_entry().await.map_err(|err| ServiceError::Internal(err.into()))? {
            if let Some(name) = entry.file_name().to_str().filter(|n| is_safe_segment(n)) {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Replaces (or creates) the regular file at `relative` through a temporary name and a rename,
    /// so a reader sees the old bytes or the new ones, never half a file. A link is never written
    /// through: it is replaced by the new file.
    pub async fn replace(&self, relative: &str, bytes: &[u8]) -> ServiceResult<()> {
        let temporary_name = format!("tmp-{}", crate::auth::secrets::random_token());
        let temporary_relative = match relative.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{temporary_name}"),
            None => temporary_name,
        };
        let (temporary, _) = self.new_target(&temporary_relative).await?;
        let target = self.join(relative)?;
        tokio::fs::write(&temporary, bytes).await.map_err(|err| ServiceError::Internal(err.into()))?;
        if let Err(err) = tokio::fs::rename(&temporary, &target).await {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(ServiceError::Internal(err.into()));
        }
        Ok(())
    }

    /// Moves the regular file `from` to the new name `to`, both under the root. A link is refused
    /// (it would move what it points at), and an existing `to` is never overwritten.
    pub async fn rename_new(&self, from: &str, to: &str) -> ServiceResult<()> {
        let source = self.resolve_existing(from).await?;
        let linked = tokio::fs::symlink_metadata(self.join(from)?).await.map_or(true, |m| !m.is_file());
        if linked {
            return Err(ServiceError::NotFound(Missing::File));
        }
        let (target, _) = self.new_target(to).await?;
        tokio::fs::rename(&source, &target).await.map_err(|err| ServiceError::Internal(err.into()))
    }

    /// Takes the `.lock` file of a directory under the root (creating the directory), the way
    /// Asterisk's `ast_lock_path` does: whoever creates `<dir>/.lock` exclusively holds the lock,
    /// others retry until `wait` has passed. Asterisk never breaks a stale lock, so neither does
    /// this: a lock still held after `wait` is a conflict.
    pub async fn lock_dir(&self, relative: &str, wait: std::time::Duration) -> ServiceResult<DirLock> {
        let dir = self.join(relative)?;
        tokio::fs::create_dir_all(&dir).await.map_err(|err| ServiceError::Internal(err.into()))?;
        let real = self.resolve_existing(relative).await?;
        let path = real.join(".lock");
        let started = std::time::Instant::now();
        loop {
            match tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await {
                Ok(mut file) => {
                    use tokio::io::AsyncWriteExt as _;
                    // Asterisk writes its pid into the lock; ours says who holds it when one lingers.
                    let _ = file.write_all(std::process::id().to_string().as_bytes()).await;
                    return Ok(DirLock { path });
                }
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && started.elapsed() < wait => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    tracing::warn!(root = self.what, "a directory lock is still held");
                    return Err(ServiceError::conflict(ConflictKind::Busy, "the mailbox is busy; try again"));
                }
                Err(err) => return Err(ServiceError::Internal(err.into())),
            }
        }
    }

    async fn canonical_root(&self) -> ServiceResult<PathBuf> {
        tokio::fs::canonicalize(&self.dir).await.map_err(|_| ServiceError::NotFound(Missing::File))
    }
}

/// A held `.lock` of a directory; dropping it releases the lock.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A byte range of a file, already clamped to the file (the doors parse HTTP `Range` into it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte.
    pub start: u64,
    /// Last byte, inclusive.
    pub end: u64,
}

impl ByteRange {
    /// Number of bytes in the range.
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    /// Never empty (kept for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl OpenedFile {
    /// Positions the file at the range's start and limits reading to the range.
    pub async fn into_range_reader(mut self, range: ByteRange) -> ServiceResult<tokio::io::Take<tokio::fs::File>> {
        self.file
            .seek(std::io::SeekFrom::Start(range.start))
            .await
            .map_err(|err| ServiceError::Internal(err.into()))?;
        Ok(self.file.take(range.len()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn segments_refuse_traversal_and_hidden_names() {
        for bad in ["", "..", ".", ".hidden", "a/b", "a\\b", "/etc", "a\0b", "é", &"x".repeat(129)] {
            assert!(!is_safe_segment(bad), "{bad:?} must be refused");
        }
        for good in ["msg0001.wav", "INBOX", "srv01-1700000000.12", "103", "a_b-c+d@e"] {
            assert!(is_safe_segment(good), "{good:?} must be accepted");
        }
        assert!(is_safe_relative("T1/103/INBOX/msg0000.txt"));
        for bad in ["../x", "a/../b", "/abs", "a//b", "a/", "./a"] {
            assert!(!is_safe_relative(bad), "{bad:?} must be refused");
        }
    }

    #[tokio::test]
    async fn symlinks_out_of_the_root_are_refused() {
        let base = std::env::temp_dir().join(format!("pbxgw-files-{}", crate::auth::secrets::random_token()));
        let root_dir = base.join("root");
        let outside = base.join("outside");
        std::fs::create_dir_all(&root_dir).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), b"secret").unwrap();
        std::fs::write(root_dir.join("ok.txt"), b"ok").unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), root_dir.join("link.txt")).unwrap();
        let root = FileRoot::new(&root_dir, "test");
        assert_eq!(root.read_small("ok.txt", 100).await.unwrap(), b"ok");
        assert!(root.read_small("link.txt", 100).await.is_err());
        assert!(root.read_small("../outside/secret.txt", 100).await.is_err());
        assert!(root.read_small("ok.txt", 1).await.is_err());
        root.write_new("a/b/new.bin", b"new").await.unwrap();
        assert!(matches!(
            root.write_new("a/b/new.bin", b"again").await,
            Err(ServiceError::Conflict { kind: ConflictKind::Duplicate, .. })
        ));
        std::fs::remove_dir_all(&base).unwrap();
    }
}
