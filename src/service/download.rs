//! A stored file on its way to a client (recording audio, fax documents), shared by both doors: the
//! open handle (obtained through [`super::files::FileRoot`], after authorization), the type to
//! announce and the download name. The body is streamed from the handle, never read into memory.

use super::files::OpenedFile;

/// How a browser should treat a download (`Content-Disposition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Save as a file.
    Attachment,
    /// Play or show in place (legacy `playrecording`).
    Inline,
}

/// An opened file with its metadata for the response.
#[derive(Debug)]
pub struct Download {
    /// The open file (its `len` is the size actually on disk).
    pub file: OpenedFile,
    /// MIME type.
    pub content_type: &'static str,
    /// Download name, already restricted to header-safe characters.
    pub file_name: String,
}

impl Download {
    /// A download of `file` named `<stem>.<extension>`. Both parts come from stored rows, so they
    /// are reduced to header-safe characters: a quote or line break must never reach a header.
    pub fn new(file: OpenedFile, content_type: &'static str, stem: &str, extension: &str) -> Download {
        let clean = |s: &str| -> String {
            s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
        };
        Download { file, content_type, file_name: format!("{}.{}", clean(stem), clean(extension)) }
    }

    /// The `Content-Disposition` value.
    pub fn disposition(&self, disposition: Disposition) -> String {
        let kind = match disposition {
            Disposition::Attachment => "attachment",
            Disposition::Inline => "inline",
        };
        format!("{kind}; filename=\"{}\"", self.file_name)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn download_names_cannot_break_the_header() {
        let dir = std::env::temp_dir().join(format!("pbxgw-dl-{}", crate::auth::secrets::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("f.wav"), b"x").unwrap();
        let file = super::super::files::FileRoot::new(&dir, "test").open("f.wav").await.unwrap();
        let download = Download::new(file, "audio/wav", "a\"b\r\nc-1.2", "wav;x");
        assert_eq!(download.disposition(Disposition::Inline), "inline; filename=\"a_b__c-1.2.wav_x\"");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
