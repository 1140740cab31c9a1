//! A tiny WAV writer: 8 kHz, 16-bit, mono PCM, the format Asterisk records `wav` in. Demo voicemails
//! and recordings are real, playable files rather than placeholders, so players and the file
//! endpoints can be tried against them.

/// Sample rate of the generated files.
pub const SAMPLE_RATE: u32 = 8_000;

/// A sine tone of `frequency` Hz lasting `millis` ms, with short fades so it does not click.
pub fn tone(frequency: f64, millis: u32) -> Vec<u8> {
    let samples = SAMPLE_RATE * millis / 1000;
    let fade = (SAMPLE_RATE / 100).max(1); // 10 ms
    let mut pcm = Vec::with_capacity(samples as usize * 2);
    for n in 0..samples {
        let t = f64::from(n) / f64::from(SAMPLE_RATE);
        let edge = n.min(samples - 1 - n).min(fade);
        let gain = f64::from(edge) / f64::from(fade);
        let value = (t * frequency * std::f64::consts::TAU).sin() * gain * 8_000.0;
        // The amplitude is bounded by 8000, well inside i16.
        pcm.extend_from_slice(&(value as i16).to_le_bytes());
    }
    wrap_pcm(&pcm)
}

/// Wraps 16-bit little-endian mono PCM in a RIFF/WAVE header.
pub fn wrap_pcm(pcm: &[u8]) -> Vec<u8> {
    let data_len = u32::try_from(pcm.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(44 + pcm.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes()); // byte rate
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.extend_from_slice(pcm);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_is_a_valid_pcm_wav() {
        let wav = tone(440.0, 250);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!(u32::from_le_bytes([wav[4], wav[5], wav[6], wav[7]]) as usize, wav.len() - 8);
        assert_eq!(u32::from_le_bytes([wav[40], wav[41], wav[42], wav[43]]), 4_000);
        assert_eq!(wav.len(), 44 + 4_000);
    }
}
