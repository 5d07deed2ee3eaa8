//! Time at the edges: RFC 3339 instants to Unix ms, and show times (ms) to and from
//! `mm:ss.mmm` / `h:mm:ss.mmm` text.

const MS_PER_SECOND: i64 = 1000;
const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Parses an RFC 3339 date-time (`2026-12-24T19:00:00+09:00`, `…T10:00:00.250Z`) into
/// Unix milliseconds. The offset is required; fractions beyond ms are truncated toward
/// the past. Leap seconds (`:60`) are rejected. The error says what is wrong.
pub fn parse_rfc3339_ms(s: &str) -> Result<i64, String> {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>, what: &str| -> Result<i64, String> {
        let part = b
            .get(range.clone())
            .filter(|p| p.iter().all(u8::is_ascii_digit));
        match part {
            Some(p) => Ok(p.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0'))),
            None => Err(format!(
                "expected {} digits of {what} at character {}",
                range.len(),
                range.start + 1
            )),
        }
    };
    let sep = |at: usize, want: &[u8], what: &str| -> Result<(), String> {
        match b.get(at) {
            Some(c) if want.contains(c) => Ok(()),
            _ => Err(format!("expected {what} at character {}", at + 1)),
        }
    };
    let year = digits(0..4, "the year")?;
    sep(4, b"-", "'-'")?;
    let month = digits(5..7, "the month")?;
    sep(7, b"-", "'-'")?;
    let day = digits(8..10, "the day")?;
    if b.len() == 10 {
        return Err("a date without a time; add a time and offset, like T19:00:00+09:00".into());
    }
    sep(10, b"Tt ", "'T' between date and time")?;
    let hour = digits(11..13, "the hour")?;
    sep(13, b":", "':'")?;
    let minute = digits(14..16, "the minute")?;
    sep(16, b":", "':' (seconds are required)")?;
    let second = digits(17..19, "the second")?;
    let mut at = 19;
    let mut millis = 0;
    if b.get(at) == Some(&b'.') {
        let frac: Vec<u8> = b[at + 1..]
            .iter()
            .copied()
            .take_while(u8::is_ascii_digit)
            .collect();
        if frac.is_empty() {
            return Err(format!("expected digits after '.' at character {}", at + 2));
        }
        millis = frac
            .iter()
            .chain(b"000")
            .take(3)
            .fold(0, |n, d| n * 10 + i64::from(d - b'0'));
        at += 1 + frac.len();
    }
    let offset_minutes = match b.get(at) {
        Some(b'Z' | b'z') if b.len() == at + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == at + 6 => {
            let hours = digits(at + 1..at + 3, "the offset hours")?;
            sep(at + 3, b":", "':' in the offset")?;
            let minutes = digits(at + 4..at + 6, "the offset minutes")?;
            if hours > 23 || minutes > 59 {
                return Err(format!("offset {} is out of range", &s[at..]));
            }
            let total = hours * 60 + minutes;
            if *sign == b'-' { -total } else { total }
        }
        None => return Err("missing the UTC offset; add Z or one like +09:00".into()),
        Some(_) => {
            return Err(format!(
                "expected the UTC offset (Z or like +09:00) at character {}, got {:?}",
                at + 1,
                &s[at..]
            ));
        }
    };
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is out of range"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!("day {day} does not exist in {year:04}-{month:02}"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!(
            "time {hour:02}:{minute:02}:{second:02} is out of range (leap seconds are not supported)"
        ));
    }
    let local = days_from_civil(year, month, day) * MS_PER_DAY
        + hour * MS_PER_HOUR
        + minute * MS_PER_MINUTE
        + second * MS_PER_SECOND
        + millis;
    Ok(local - offset_minutes * MS_PER_MINUTE)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats show time: `mm:ss.mmm` below one hour, `h:mm:ss.mmm` from one hour, with a
/// `-` prefix for negatives.
pub fn format_time_ms(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let abs = ms.unsigned_abs();
    let (h, m, s, milli) = (
        abs / MS_PER_HOUR as u64,
        abs / MS_PER_MINUTE as u64 % 60,
        abs / MS_PER_SECOND as u64 % 60,
        abs % MS_PER_SECOND as u64,
    );
    if h > 0 {
        format!("{sign}{h}:{m:02}:{s:02}.{milli:03}")
    } else {
        format!("{sign}{m:02}:{s:02}.{milli:03}")
    }
}

/// Parses show time typed by a person: `1234` (ms), `ss.mmm`, `mm:ss.mmm` or
/// `h:mm:ss.mmm`. The fraction (1 to 3 digits) is optional in the colon forms, seconds
/// and (with hours) minutes must be below 60, and a leading `-` negates. Surrounding
/// whitespace is ignored. Anything else, or an overflow, gives `None`.
pub fn parse_time_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let number = |part: &str| -> Option<i64> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let fields: Vec<&str> = body.split(':').collect();
    let (whole_seconds, fraction) = match fields.last()?.split_once('.') {
        Some((sec, frac)) => (sec, Some(frac)),
        None => (*fields.last()?, None),
    };
    let ms = match (fields.len(), fraction) {
        (1, None) => number(whole_seconds)?,
        (1..=3, _) => {
            let millis = match fraction {
                Some(frac) if (1..=3).contains(&frac.len()) => {
                    number(frac)? * 10_i64.pow(3 - frac.len() as u32)
                }
                Some(_) => return None,
                None => 0,
            };
            let seconds = number(whole_seconds)?;
            let (hours, minutes) = match fields[..fields.len() - 1] {
                [] => (0, 0),
                [m] => (0, number(m)?),
                [h, m] => (number(h)?, number(m)?),
                _ => return None,
            };
            if (fields.len() > 1 && seconds >= 60) || (fields.len() == 3 && minutes >= 60) {
                return None;
            }
            hours
                .checked_mul(MS_PER_HOUR)?
                .checked_add(minutes.checked_mul(MS_PER_MINUTE)?)?
                .checked_add(seconds.checked_mul(MS_PER_SECOND)?)?
                .checked_add(millis)?
        }
        _ => return None,
    };
    Some(if negative { -ms } else { ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_instants() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_rfc3339_ms("2024-01-01T00:00:00Z"),
            Ok(1_704_067_200_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-12-24T19:00:00+09:00"),
            Ok(1_798_106_400_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-12-24T10:00:00.250z"),
            Ok(1_798_106_400_250)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-12-24 05:00:00.2509-05:00"),
            Ok(1_798_106_400_250)
        );
        assert_eq!(parse_rfc3339_ms("1969-12-31T23:59:59.999Z"), Ok(-1));
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00Z"),
            Ok(1_709_164_800_000)
        );
    }

    #[test]
    fn rfc3339_errors_say_what() {
        let err = |s: &str| parse_rfc3339_ms(s).unwrap_err();
        assert_eq!(
            err("2026-12-24T19:00:00"),
            "missing the UTC offset; add Z or one like +09:00"
        );
        assert!(err("2026-12-24").contains("without a time"));
        assert_eq!(
            err("2023-02-29T00:00:00Z"),
            "day 29 does not exist in 2023-02"
        );
        assert_eq!(err("2026-13-01T00:00:00Z"), "month 13 is out of range");
        assert!(err("2026-12-24T24:00:00Z").contains("out of range"));
        assert!(err("2026-12-24T23:59:60Z").contains("leap seconds"));
        assert!(err("2026-12-24T19:00:00+24:00").contains("offset"));
        assert!(err("2026-12-24T19:00:00+0900").contains("UTC offset"));
        assert!(err("2026-12-24T19:00").contains("seconds are required"));
        assert!(err("26-12-24T19:00:00Z").contains("year"));
        assert!(err("2026-12-24T19:00:00.Z").contains("digits after '.'"));
        assert!(err("2026-12-24T19:00:00Zjunk").contains("UTC offset"));
        assert!(err("２026-12-24T19:00:00Z").contains("year"));
    }

    #[test]
    fn formats_show_times() {
        assert_eq!(format_time_ms(0), "00:00.000");
        assert_eq!(format_time_ms(61_005), "01:01.005");
        assert_eq!(format_time_ms(3_599_999), "59:59.999");
        assert_eq!(format_time_ms(3_600_000), "1:00:00.000");
        assert_eq!(format_time_ms(37_230_450), "10:20:30.450");
        assert_eq!(format_time_ms(-1_500), "-00:01.500");
        assert_eq!(format_time_ms(i64::MIN), "-2562047788015:12:55.808");
    }

    #[test]
    fn parses_show_times() {
        assert_eq!(parse_time_ms("1234"), Some(1234));
        assert_eq!(parse_time_ms(" 5.25 "), Some(5250));
        assert_eq!(parse_time_ms("5.025"), Some(5025));
        assert_eq!(parse_time_ms("01:01.005"), Some(61_005));
        assert_eq!(parse_time_ms("1:05"), Some(65_000));
        assert_eq!(parse_time_ms("75:00.000"), Some(4_500_000));
        assert_eq!(parse_time_ms("1:00:00.000"), Some(3_600_000));
        assert_eq!(parse_time_ms("-00:01.500"), Some(-1500));
        for bad in [
            "",
            "-",
            "abc",
            "1:60",
            "1:60:00",
            "1.2345",
            "1.",
            ".5",
            "1:2:3:4",
            "+5",
            "1 000",
            "99999999999999999999",
            "2562047788015:12:56.000",
        ] {
            assert_eq!(parse_time_ms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parse_inverts_format() {
        for ms in [
            0,
            1,
            999,
            59_999,
            60_000,
            3_599_999,
            3_600_000,
            86_400_123,
            -61_005,
            i64::MAX,
            i64::MIN + 1,
        ] {
            assert_eq!(parse_time_ms(&format_time_ms(ms)), Some(ms), "{ms}");
        }
    }
}
