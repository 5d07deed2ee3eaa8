//! Waveform overviews in the JSON format of BBC's audiowaveform, which peaks.js reads.
//!
//! `{"version":2,"channels":1,"sample_rate":..,"samples_per_pixel":..,"bits":16,
//! "length":N,"data":[min0,max0,min1,max1,..]}`: one min/max pair per pixel of the mono
//! mix, as signed integers of `bits` bits (like audiowaveform without `--split-channels`).

use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::Path;

use super::AudioError;
use super::decode;

/// An overview ready to serialise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waveform {
    pub sample_rate: u32,
    pub samples_per_pixel: u32,
    /// 8 or 16.
    pub bits: u8,
    /// One `(min, max)` per pixel, in the range of `bits`-bit signed integers.
    pub data: Vec<(i16, i16)>,
}

/// Scales a sample in [-1, 1] to a signed integer of `bits` (8 or 16) bits.
fn scale(v: f32, bits: u8) -> i16 {
    // Saturating casts after the clamp: the intent.
    let v16 = (v.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16;
    if bits == 8 { v16 >> 8 } else { v16 }
}

impl Waveform {
    /// Decodes `path` (on `threads` threads) at `pixels_per_second` (samples per pixel =
    /// sample rate / pixels per second, at least 1) into values of `bits` (8 or 16) bits.
    pub fn compute(
        path: &Path,
        pixels_per_second: u32,
        bits: u8,
        threads: usize,
    ) -> Result<Waveform, AudioError> {
        let bits = if bits == 8 { 8 } else { 16 };
        // The pixel size depends on the sample rate: read the headers first.
        let info = decode::probe(path)?;
        let spp = (info.sample_rate / pixels_per_second.max(1)).max(1);
        let pixels = info.total_frames.map_or(0, |f| f.div_ceil(u64::from(spp)));
        let mut data = Vec::with_capacity(usize::try_from(pixels).unwrap_or(0));
        decode::decode_buckets(
            path,
            spp,
            threads,
            |_| {},
            |chunk| {
                data.extend(
                    chunk
                        .buckets
                        .iter()
                        .map(|&(lo, hi)| (scale(lo, bits), scale(hi, bits))),
                );
                ControlFlow::Continue(())
            },
        )?;
        Ok(Waveform {
            sample_rate: info.sample_rate,
            samples_per_pixel: spp,
            bits,
            data,
        })
    }

    /// The audiowaveform JSON document (version 2, one channel), with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(128 + self.data.len() * 12);
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "{{\"version\":2,\"channels\":1,\"sample_rate\":{},\"samples_per_pixel\":{},\
             \"bits\":{},\"length\":{},\"data\":[",
            self.sample_rate,
            self.samples_per_pixel,
            self.bits,
            self.data.len()
        );
        for (i, (lo, hi)) in self.data.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            let _ = write!(out, "{sep}{lo},{hi}");
        }
        out.push_str("]}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_audiowaveform_shape() {
        let w = Waveform {
            sample_rate: 44_100,
            samples_per_pixel: 441,
            bits: 16,
            data: vec![(-3, 5), (-32768, 32767)],
        };
        let v: serde_json::Value = serde_json::from_str(&w.to_json()).unwrap_or_default();
        assert_eq!(v["version"], 2);
        assert_eq!(v["channels"], 1);
        assert_eq!(v["sample_rate"], 44_100);
        assert_eq!(v["samples_per_pixel"], 441);
        assert_eq!(v["bits"], 16);
        assert_eq!(v["length"], 2);
        assert_eq!(v["data"], serde_json::json!([-3, 5, -32768, 32767]));
    }

    #[test]
    fn scale_fits_the_bit_depth() {
        assert_eq!(scale(1.0, 16), 32767);
        assert_eq!(scale(-1.5, 16), -32767);
        assert_eq!(scale(1.0, 8), 127);
        assert_eq!(scale(-1.0, 8), -128);
        assert_eq!(scale(0.0, 8), 0);
    }
}
