//! A single-pass JSON reader over the request body that copies nested objects in the form orjson
//! would write them after `orjson.loads` (no whitespace, canonical escapes and numbers), without
//! building a tree. Anything it does not reproduce exactly (duplicate keys inside an object,
//! numbers orjson refuses, very deep nesting) is declined: the reference path reads those.

use crate::json;
use crate::Decline;

pub type Checked<T> = Result<T, Decline>;

/// Deeper values go to the reference path (orjson writes at most 254 levels).
const MAX_DEPTH: usize = 128;

pub struct Scanner<'a> {
    bytes: &'a [u8],
    pub pos: usize,
}

/// A scalar field of an event as JSON gave it; anything but null, a string or an integer is
/// `Other` (the checks refuse those, so the reference path then explains why).
#[derive(Default)]
pub enum Scalar {
    #[default]
    Absent,
    Null,
    Str(String),
    Int(String),
    Other,
}

/// An object field: its canonical bytes in the batch buffer, and the captured members.
#[derive(Default)]
pub enum Nested {
    #[default]
    Absent,
    Null,
    Object(usize, usize),
    Other,
}

impl<'a> Scanner<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Scanner { bytes, pos: 0 }
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    #[inline]
    pub fn ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b' ' || b == b'\n' || b == b'\r' || b == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    pub fn eat(&mut self, byte: u8) -> Checked<()> {
        self.ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Decline)
        }
    }

    pub fn at_end(&mut self) -> bool {
        self.ws();
        self.pos == self.bytes.len()
    }

    /// After `{` or `[`: true when the container is empty (and consumes its closer).
    pub fn empty(&mut self, closer: u8) -> bool {
        self.ws();
        if self.peek() == Some(closer) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// After a member: true when another follows (consumes `,`), false at the closer.
    pub fn more(&mut self, closer: u8) -> Checked<bool> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == closer => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(Decline),
        }
    }

    /// A string's raw content (between the quotes) and whether it holds escapes. The body was
    /// checked as UTF-8 as a whole; raw control characters are invalid JSON.
    pub fn raw_string(&mut self) -> Checked<(&'a [u8], bool)> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(Decline);
        }
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(Decline);
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok((&self.bytes[start..self.pos - 1], escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                0x00..=0x1f => return Err(Decline),
                _ => self.pos += 1,
            }
        }
    }

    pub fn string(&mut self) -> Checked<String> {
        let (raw, escaped) = self.raw_string()?;
        if escaped {
            unescape(raw)
        } else {
            // The body is valid UTF-8 and quotes are ASCII, so this slice is too.
            Ok(std::str::from_utf8(raw).map_err(|_| Decline)?.to_owned())
        }
    }

    /// A scalar member value (anything else is validated and reported as `Other`).
    pub fn scalar(&mut self, scratch: &mut Vec<u8>) -> Checked<Scalar> {
        self.ws();
        match self.peek() {
            Some(b'"') => Ok(Scalar::Str(self.string()?)),
            Some(b'n') => {
                self.literal(b"null")?;
                Ok(Scalar::Null)
            }
            Some(b'-' | b'0'..=b'9') => {
                scratch.clear();
                if self.number(scratch)? {
                    Ok(Scalar::Int(
                        String::from_utf8(scratch.clone()).map_err(|_| Decline)?,
                    ))
                } else {
                    Ok(Scalar::Other)
                }
            }
            _ => {
                scratch.clear();
                self.value(scratch, 0, &mut [])?;
                Ok(Scalar::Other)
            }
        }
    }

    /// An object member value copied canonically into `out` (when it is an object), capturing
    /// the scalars of the named top-level members.
    pub fn nested(
        &mut self,
        out: &mut Vec<u8>,
        scratch: &mut Vec<u8>,
        captures: &mut [(&str, Scalar)],
    ) -> Checked<Nested> {
        self.ws();
        match self.peek() {
            Some(b'{') => {
                let start = out.len();
                self.value(out, 0, captures)?;
                Ok(Nested::Object(start, out.len()))
            }
            Some(b'n') => {
                self.literal(b"null")?;
                Ok(Nested::Null)
            }
            _ => {
                scratch.clear();
                self.value(scratch, 0, &mut [])?;
                Ok(Nested::Other)
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Checked<()> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Decline)
        }
    }

    /// Copy one value canonically; at depth 0 an object's members named in `captures` are read.
    pub fn value(
        &mut self,
        out: &mut Vec<u8>,
        depth: usize,
        captures: &mut [(&str, Scalar)],
    ) -> Checked<()> {
        if depth > MAX_DEPTH {
            return Err(Decline);
        }
        self.ws();
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                out.push(b'{');
                if self.empty(b'}') {
                    out.push(b'}');
                    return Ok(());
                }
                // Canonical keys are unique per string, so duplicates are found on the output.
                let mut keys: Vec<(usize, usize)> = Vec::with_capacity(8);
                loop {
                    let key_start = out.len();
                    let (raw, escaped) = self.raw_string()?;
                    let decoded;
                    let key: &str = if escaped {
                        decoded = unescape(raw)?;
                        &decoded
                    } else {
                        std::str::from_utf8(raw).map_err(|_| Decline)?
                    };
                    json::write_str(out, key);
                    let key_end = out.len();
                    let written = &out[key_start..key_end];
                    if keys.iter().any(|&(s, e)| &out[s..e] == written) {
                        return Err(Decline);
                    }
                    keys.push((key_start, key_end));
                    self.eat(b':')?;
                    out.push(b':');
                    let captured = captures.iter_mut().find(|(name, _)| *name == key);
                    match captured {
                        Some((_, slot)) => {
                            let value_start = out.len();
                            let mut scratch = Vec::new();
                            let mut probe = Scanner {
                                bytes: self.bytes,
                                pos: self.pos,
                            };
                            *slot = probe.scalar(&mut scratch)?;
                            self.value(out, depth + 1, &mut [])?;
                            let _ = value_start;
                        }
                        None => self.value(out, depth + 1, &mut [])?,
                    }
                    if !self.more(b'}')? {
                        break;
                    }
                    out.push(b',');
                }
                out.push(b'}');
                Ok(())
            }
            Some(b'[') => {
                self.pos += 1;
                out.push(b'[');
                if self.empty(b']') {
                    out.push(b']');
                    return Ok(());
                }
                loop {
                    self.value(out, depth + 1, &mut [])?;
                    if !self.more(b']')? {
                        break;
                    }
                    out.push(b',');
                }
                out.push(b']');
                Ok(())
            }
            Some(b'"') => {
                let (raw, escaped) = self.raw_string()?;
                if escaped {
                    json::write_str(out, &unescape(raw)?);
                } else {
                    // Unescaped content holds no quote, backslash or control character.
                    out.push(b'"');
                    out.extend_from_slice(raw);
                    out.push(b'"');
                }
                Ok(())
            }
            Some(b't') => {
                self.literal(b"true")?;
                out.extend_from_slice(b"true");
                Ok(())
            }
            Some(b'f') => {
                self.literal(b"false")?;
                out.extend_from_slice(b"false");
                Ok(())
            }
            Some(b'n') => {
                self.literal(b"null")?;
                out.extend_from_slice(b"null");
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => self.number(out).map(|_| ()),
            _ => Err(Decline),
        }
    }

    /// Copy a number as orjson writes what it read: integers within 64 bits as digits (`-0` is
    /// 0), anything else as a float. Returns whether it is an integer.
    fn number(&mut self, out: &mut Vec<u8>) -> Checked<bool> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(Decline),
        }
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            let digits = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return Err(Decline);
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            integer = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return Err(Decline);
            }
        }
        self.pos = i;
        let text = std::str::from_utf8(&b[start..i]).map_err(|_| Decline)?;
        // The grammar above allows no leading zeros, so an integer within 64 bits is written as
        // it was read, except `-0` (the integer 0).
        if integer && (text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok()) {
            out.extend_from_slice(if text == "-0" { b"0" } else { text.as_bytes() });
            return Ok(true);
        }
        // orjson reads integers beyond 64 bits as floats too.
        let value: f64 = text.parse().map_err(|_| Decline)?;
        if !value.is_finite() {
            return Err(Decline);
        }
        json::write_float(out, value);
        Ok(false)
    }

    /// Skip one array or object without reading it (the batch array, read later, when it is
    /// checked member by member): only strings and brackets are followed.
    pub fn skip(&mut self) -> Checked<()> {
        self.ws();
        let mut depth = 0usize;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(Decline);
            };
            match b {
                b'"' => {
                    self.raw_string()?;
                    continue;
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.checked_sub(1).ok_or(Decline)?;
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                _ if depth == 0 => return Err(Decline),
                _ => {}
            }
            self.pos += 1;
        }
    }
}

fn hex4(raw: &[u8]) -> Checked<u32> {
    if raw.len() < 4 {
        return Err(Decline);
    }
    let text = std::str::from_utf8(&raw[..4]).map_err(|_| Decline)?;
    u32::from_str_radix(text, 16).map_err(|_| Decline)
}

/// A string's content with its escapes resolved; lone surrogates are declined (orjson refuses
/// them).
pub fn unescape(raw: &[u8]) -> Checked<String> {
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let start = i;
        while i < raw.len() && raw[i] != b'\\' {
            i += 1;
        }
        out.push_str(std::str::from_utf8(&raw[start..i]).map_err(|_| Decline)?);
        if i >= raw.len() {
            break;
        }
        let escape = *raw.get(i + 1).ok_or(Decline)?;
        i += 2;
        match escape {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\x08'),
            b'f' => out.push('\x0c'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let high = hex4(&raw[i..])?;
                i += 4;
                let code = if (0xD800..0xDC00).contains(&high) {
                    if raw.get(i) != Some(&b'\\') || raw.get(i + 1) != Some(&b'u') {
                        return Err(Decline);
                    }
                    let low = hex4(&raw[i + 2..])?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(Decline);
                    }
                    i += 6;
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..0xE000).contains(&high) {
                    return Err(Decline);
                } else {
                    high
                };
                out.push(char::from_u32(code).ok_or(Decline)?);
            }
            _ => return Err(Decline),
        }
    }
    Ok(out)
}
