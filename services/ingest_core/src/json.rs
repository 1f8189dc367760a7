//! Writing JSON strings, floats and times exactly as orjson writes them (the pure path's encoder),
//! and reading the ISO-8601 times SDKs send.

/// A float in the shortest form that reads back the same, as orjson writes it: ryu's layout
/// with a signed exponent (`1e+16`, `1e-7`, `0.00001`).
pub fn write_float(out: &mut Vec<u8>, value: f64) {
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value);
    match text.find('e') {
        Some(at) if !text[at + 1..].starts_with('-') => {
            out.extend_from_slice(&text.as_bytes()[..=at]);
            out.push(b'+');
            out.extend_from_slice(&text.as_bytes()[at + 1..]);
        }
        _ => out.extend_from_slice(text.as_bytes()),
    }
}

pub fn write_str(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(byte >> 4) as usize]);
            out.push(HEX[(byte & 0xf) as usize]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Microseconds since 1970-01-01T00:00:00Z of the first and last instants Python's `datetime`
/// can hold (years 1 to 9999).
const MIN_US: i64 = -62_135_596_800_000_000;
const MAX_US: i64 = 253_402_300_799_999_999;

pub fn in_calendar(us: i64) -> bool {
    (MIN_US..=MAX_US).contains(&us)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if month <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        month,
        day,
    )
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

fn digits(bytes: &[u8]) -> Option<i64> {
    let mut n = 0i64;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some(n)
}

/// The common spellings SDKs send, `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff][Z|+00:00]` (no zone: UTC),
/// as microseconds since the epoch; None for anything else (the reference path then reads it).
pub fn parse_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if year < 1 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &b[19..];
    let mut micros = 0i64;
    if rest.first() == Some(&b'.') {
        let fraction = if rest.len() >= 7 && rest[4..7].iter().all(u8::is_ascii_digit) {
            &rest[1..7]
        } else if rest.len() >= 4 {
            &rest[1..4]
        } else {
            return None;
        };
        let value = digits(fraction)?;
        micros = if fraction.len() == 3 {
            value * 1000
        } else {
            value
        };
        rest = &rest[1 + fraction.len()..];
    }
    if !(rest.is_empty() || rest == b"Z" || rest == b"+00:00") {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros)
}

/// A time as orjson writes an aware UTC datetime with `OPT_UTC_Z`.
pub fn write_time(out: &mut Vec<u8>, us: i64) {
    let days = us.div_euclid(86_400_000_000);
    let in_day = us.rem_euclid(86_400_000_000);
    let (year, month, day) = civil_from_days(days);
    let seconds = in_day / 1_000_000;
    let micros = in_day % 1_000_000;
    push_digits(out, year, 4);
    out.push(b'-');
    push_digits(out, month, 2);
    out.push(b'-');
    push_digits(out, day, 2);
    out.push(b'T');
    push_digits(out, seconds / 3600, 2);
    out.push(b':');
    push_digits(out, seconds / 60 % 60, 2);
    out.push(b':');
    push_digits(out, seconds % 60, 2);
    if micros != 0 {
        out.push(b'.');
        push_digits(out, micros, 6);
    }
    out.push(b'Z');
}

fn push_digits(out: &mut Vec<u8>, value: i64, width: usize) {
    let mut digits = [b'0'; 8];
    let mut rest = value;
    for slot in digits[..width].iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend_from_slice(&digits[..width]);
}
