//! The edit lists of ISO MP4 files (MP4, MOV, M4A), which symphonia 0.5 parses but does not
//! apply.
//!
//! An AAC encoder starts with a delay ("priming": 1024 frames from ffmpeg, 2112 from Apple's
//! encoders) and pads the last frame. MP4 writers trim both with an edit: the presentation
//! starts `media_time` into the track and lasts `segment_duration`. Browsers and players
//! honour it, so the editor must too: otherwise the waveform and the playhead run about
//! 23 ms behind what the event page plays, and every cue placed by ear lands that late.
//! Empty edits before the first one delay the track.
//!
//! Only the moov box is read (the media data is skipped by seeking over it).

use std::io::{self, Read, Seek, SeekFrom};

/// The largest moov box read (a long film's sample tables are a few MB).
const MAX_MOOV_BYTES: u64 = 256 << 20;

/// What a track's edit list does to its media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TrackEdit {
    /// Silence before the media starts (the empty edits), in movie time units.
    pub delay: u64,
    /// Where in the media the presentation starts, in media time units.
    pub media_start: u64,
    /// How long the media plays, in movie time units; `None` for to its end.
    pub duration: Option<u64>,
    pub movie_timescale: u32,
    pub media_timescale: u32,
}

/// A [`TrackEdit`] in frames of a track's sample rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Trim {
    /// Frames of silence before the first frame of media.
    pub delay: u64,
    /// Frames of media skipped at its start.
    pub skip: u64,
    /// Frames of media played, when the edit says.
    pub length: Option<u64>,
}

/// `value` units of `timescale` per second, in frames at `rate`, rounded to nearest.
fn frames(value: u64, timescale: u32, rate: u32) -> u64 {
    if timescale == 0 {
        return 0;
    }
    let t = u128::from(timescale);
    let f = (u128::from(value) * u128::from(rate) + t / 2) / t;
    u64::try_from(f).unwrap_or(u64::MAX)
}

impl TrackEdit {
    pub(crate) fn trim(&self, rate: u32) -> Trim {
        Trim {
            delay: frames(self.delay, self.movie_timescale, rate),
            skip: frames(self.media_start, self.media_timescale, rate),
            length: self.duration.map(|d| frames(d, self.movie_timescale, rate)),
        }
    }
}

/// The edit of each track, in the order of the moov box's traks (symphonia's track ids are
/// these indices). `None` when the file has no moov box; a track without an edit list, or
/// with one this does not understand (rates other than 1), has `None`.
/// Files that do not start with an ftyp box (symphonia reads no others as MP4) give `None`
/// after reading 8 bytes.
pub(crate) fn edit_lists<R: Read + Seek>(
    file: &mut R,
) -> io::Result<Option<Vec<Option<TrackEdit>>>> {
    file.seek(SeekFrom::Start(0))?;
    let mut first = true;
    loop {
        let mut head = [0u8; 8];
        match file.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let [a, b, c, d, t0, t1, t2, t3] = head;
        let kind = [t0, t1, t2, t3];
        if std::mem::take(&mut first) && &kind != b"ftyp" {
            return Ok(None);
        }
        let (size, header) = match u32::from_be_bytes([a, b, c, d]) {
            0 => return Ok(None), // the last box runs to the end and is not moov's parent
            1 => {
                let mut large = [0u8; 8];
                file.read_exact(&mut large)?;
                (u64::from_be_bytes(large), 16)
            }
            n => (u64::from(n), 8),
        };
        let Some(body) = size.checked_sub(header) else {
            return Ok(None);
        };
        if &kind == b"moov" {
            if body > MAX_MOOV_BYTES {
                return Ok(None);
            }
            let mut moov = Vec::new();
            file.by_ref().take(body).read_to_end(&mut moov)?;
            if (moov.len() as u64) < body {
                return Ok(None); // cut short: symphonia will say so
            }
            return Ok(Some(parse_moov(&moov)));
        }
        let Ok(skip) = i64::try_from(body) else {
            return Ok(None);
        };
        file.seek(SeekFrom::Current(skip))?;
    }
}

/// The child boxes of a box's body: (type, body). Stops at the first malformed header.
fn children(mut data: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    while let Some((head, rest)) = data.split_first_chunk::<8>() {
        let [a, b, c, d, t0, t1, t2, t3] = *head;
        let kind = [t0, t1, t2, t3];
        let (size, header) = match u32::from_be_bytes([a, b, c, d]) {
            0 => (data.len() as u64, 8),
            1 => match rest.first_chunk::<8>() {
                Some(large) => (u64::from_be_bytes(*large), 16),
                None => break,
            },
            n => (u64::from(n), 8),
        };
        let Ok(size) = usize::try_from(size) else {
            break;
        };
        let (Some(body), Some(next)) = (data.get(header..size), data.get(size..)) else {
            break;
        };
        out.push((kind, body));
        data = next;
    }
    out
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..)?
        .first_chunk::<4>()
        .map(|b| u32::from_be_bytes(*b))
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    data.get(at..)?
        .first_chunk::<8>()
        .map(|b| u64::from_be_bytes(*b))
}

/// The timescale of an mvhd or mdhd body (both put it in the same place).
fn timescale(header: &[u8]) -> Option<u32> {
    match header.first()? {
        0 => u32_at(header, 12),
        1 => u32_at(header, 20),
        _ => None,
    }
}

fn parse_moov(moov: &[u8]) -> Vec<Option<TrackEdit>> {
    let boxes = children(moov);
    let movie_timescale = boxes
        .iter()
        .find(|(k, _)| k == b"mvhd")
        .and_then(|(_, b)| timescale(b));
    boxes
        .iter()
        .filter(|(k, _)| k == b"trak")
        .map(|(_, trak)| movie_timescale.and_then(|m| track_edit(trak, m)))
        .collect()
}

fn track_edit(trak: &[u8], movie_timescale: u32) -> Option<TrackEdit> {
    let boxes = children(trak);
    let find = |kind: &[u8; 4]| boxes.iter().find(|(k, _)| k == kind).map(|(_, b)| *b);
    let elst = children(find(b"edts")?)
        .into_iter()
        .find(|(k, _)| k == b"elst")?
        .1;
    let mdhd = children(find(b"mdia")?)
        .into_iter()
        .find(|(k, _)| k == b"mdhd")?
        .1;
    let media_timescale = timescale(mdhd)?;

    let version = *elst.first()?;
    let count = usize::try_from(u32_at(elst, 4)?).ok()?;
    let entry_len = if version == 1 { 20 } else { 12 };
    let mut delay = 0u64;
    let mut first: Option<(u64, u64)> = None;
    let mut more_media = false;
    for i in 0..count {
        let at = 8 + i * entry_len;
        let (duration, media_time, rate_at) = if version == 1 {
            (u64_at(elst, at)?, u64_at(elst, at + 8)? as i64, at + 16)
        } else {
            let time = u32_at(elst, at + 4)? as i32;
            (u64::from(u32_at(elst, at)?), i64::from(time), at + 8)
        };
        // media_rate_integer.media_rate_fraction: only normal speed is understood.
        if u32_at(elst, rate_at)? != 0x0001_0000 {
            return None;
        }
        match (media_time, first) {
            (-1, None) => delay = delay.saturating_add(duration),
            (-1, Some(_)) => {}
            (t, None) => first = Some((u64::try_from(t).ok()?, duration)),
            (_, Some(_)) => more_media = true,
        }
    }
    let (media_start, duration) = first?;
    Some(TrackEdit {
        delay,
        media_start,
        // 0 means "the rest of the media" (fragmented files); later media edits would
        // append more, which is not modelled: then play to the end.
        duration: (duration > 0 && !more_media).then_some(duration),
        movie_timescale,
        media_timescale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = u32::try_from(body.len() + 8)
            .unwrap_or(0)
            .to_be_bytes()
            .to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    fn mdhd(timescale: u32) -> Vec<u8> {
        let mut b = vec![0u8; 24];
        b[12..16].copy_from_slice(&timescale.to_be_bytes());
        bx(b"mdhd", &b)
    }

    fn elst(entries: &[(u32, i32)]) -> Vec<u8> {
        let mut b = vec![0, 0, 0, 0];
        b.extend_from_slice(&u32::try_from(entries.len()).unwrap_or(0).to_be_bytes());
        for &(duration, time) in entries {
            b.extend_from_slice(&duration.to_be_bytes());
            b.extend_from_slice(&time.to_be_bytes());
            b.extend_from_slice(&0x0001_0000u32.to_be_bytes());
        }
        bx(b"edts", &bx(b"elst", &b))
    }

    fn trak(edits: Option<&[(u32, i32)]>, media_timescale: u32) -> Vec<u8> {
        let mut b = bx(b"tkhd", &[0u8; 84]);
        if let Some(e) = edits {
            b.extend(elst(e));
        }
        b.extend(bx(b"mdia", &mdhd(media_timescale)));
        bx(b"trak", &b)
    }

    fn file(traks: &[Vec<u8>]) -> Vec<u8> {
        let mut moov = mdhd(1000); // an mvhd body has the timescale where mdhd has it
        moov[4..8].copy_from_slice(b"mvhd");
        for t in traks {
            moov.extend_from_slice(t);
        }
        let mut f = bx(b"ftyp", b"isom\0\0\x02\0isomiso2");
        f.extend(bx(b"mdat", &[7u8; 300]));
        f.extend(bx(b"moov", &moov));
        f
    }

    #[test]
    fn reads_priming_delay_and_length_per_track() {
        let data = file(&[
            trak(Some(&[(3000, 2048)]), 10_240),
            trak(Some(&[(500, -1), (3000, 1024)]), 44_100),
            trak(None, 48_000),
        ]);
        let edits = edit_lists(&mut io::Cursor::new(data)).ok().flatten();
        let Some(edits) = edits else {
            panic!("no moov found");
        };
        assert_eq!(edits.len(), 3);
        let audio = edits[1].map(|e| e.trim(44_100));
        assert_eq!(
            audio,
            Some(Trim {
                delay: 22_050,
                skip: 1024,
                length: Some(132_300),
            })
        );
        assert_eq!(edits[2], None);
    }

    #[test]
    fn no_moov_or_garbage_is_no_edit_list() {
        let none = edit_lists(&mut io::Cursor::new(b"not an mp4 at all".to_vec()));
        assert!(matches!(none, Ok(None)), "{none:?}");
        let mut cut = file(&[trak(Some(&[(3000, 1024)]), 44_100)]);
        cut.truncate(cut.len() - 10);
        let cut = edit_lists(&mut io::Cursor::new(cut));
        assert!(matches!(cut, Ok(None)), "{cut:?}");
    }
}
