//! Audio uploads: the format is recognised from the bytes, never from the client's name or type.

use super::InvalidValue;

/// Audio formats the PBX plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    /// RIFF/WAVE.
    Wav,
    /// MPEG audio (ID3-tagged or a bare frame).
    Mp3,
}

impl AudioFormat {
    /// Recognises WAV (`RIFF....WAVE`) and MP3 (`ID3` tag or an MPEG frame sync).
    pub fn sniff(bytes: &[u8]) -> Result<AudioFormat, InvalidValue> {
        let not_audio = || InvalidValue::new("filename", "is not WAV or MP3 audio");
        match bytes {
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'A', b'V', b'E', ..] => Ok(AudioFormat::Wav),
            [b'I', b'D', b'3', ..] => Ok(AudioFormat::Mp3),
            // Frame sync: 11 set bits, MPEG version not reserved (01), layer not reserved (00).
            [0xFF, second, ..] if second & 0xE0 == 0xE0 && second & 0x18 != 0x08 && second & 0x06 != 0 => {
                Ok(AudioFormat::Mp3)
            }
            _ => Err(not_audio()),
        }
    }

    /// MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            AudioFormat::Wav => "audio/wav",
            AudioFormat::Mp3 => "audio/mpeg",
        }
    }

    /// File extension / `me_format` value.
    pub fn extension(self) -> &'static str {
        match self {
            AudioFormat::Wav => "wav",
            AudioFormat::Mp3 => "mp3",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_audio_by_content() {
        let wav = b"RIFF\x24\x00\x00\x00WAVEfmt ";
        assert_eq!(AudioFormat::sniff(wav), Ok(AudioFormat::Wav));
        assert_eq!(AudioFormat::sniff(b"ID3\x04\x00rest"), Ok(AudioFormat::Mp3));
        assert_eq!(AudioFormat::sniff(&[0xFF, 0xFB, 0x90, 0x64]), Ok(AudioFormat::Mp3));
        for bad in [&b"%PDF-1.7"[..], b"<html>", b"", b"RIFF\x00\x00\x00\x00AVI ", &[0xFF, 0x00]] {
            assert!(AudioFormat::sniff(bad).is_err(), "{bad:?}");
        }
    }
}
