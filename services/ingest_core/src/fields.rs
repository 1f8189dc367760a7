//! Checks of single fields (`domain/fields.py`): ids, names, objects and times, each either
//! accepted as the reference path would read it or declined so that the reference path explains.

use crate::json;
use crate::scan::{Nested, Scalar};
use crate::{Checked, Decline};

pub fn is_py_space(c: char) -> bool {
    // Python's str.isspace(): Unicode White_Space plus the four ASCII separators.
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// An id (`userId`, ...): a plain string or an integer; anything that needs stripping or is
/// refused goes to the reference path.
pub fn identifier(value: Scalar, max_chars: usize) -> Checked<Option<String>> {
    match value {
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Str(text) => {
            if text.is_empty() {
                return Ok(None);
            }
            let first = text.chars().next().unwrap_or(' ');
            let last = text.chars().next_back().unwrap_or(' ');
            if is_py_space(first) || is_py_space(last) || char_count(&text) > max_chars {
                return Err(Decline);
            }
            Ok(Some(text))
        }
        Scalar::Int(digits) => Ok(Some(digits)),
        Scalar::Other => Err(Decline),
    }
}

fn char_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

pub fn text(value: Scalar, max_chars: usize) -> Checked<Option<String>> {
    match value {
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Str(text) => {
            if char_count(&text) > max_chars {
                return Err(Decline);
            }
            if text.chars().all(is_py_space) {
                return Ok(None);
            }
            Ok(Some(text))
        }
        _ => Err(Decline),
    }
}

/// An object field: absent or null is None, an object its range, anything else is refused.
pub fn object(value: Nested) -> Checked<Option<(usize, usize)>> {
    match value {
        Nested::Absent | Nested::Null => Ok(None),
        Nested::Object(start, end) => Ok(Some((start, end))),
        Nested::Other => Err(Decline),
    }
}

pub fn timestamp(value: &Scalar) -> Checked<Option<i64>> {
    match value {
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Str(text) => json::parse_time(text).map(Some).ok_or(Decline),
        _ => Err(Decline),
    }
}
