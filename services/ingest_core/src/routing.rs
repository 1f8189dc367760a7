//! Which topic each event goes to (`domain/routing.py`), and the name a usage event is given.

use crate::event::{Event, ALIAS, GROUP, IDENTIFY, TYPE_NAMES};

// Topics, in the order of `ROUTES` on the Python side.
pub const USAGE: u8 = 0;
pub const USER_TRAITS: u8 = 1;
pub const ACCOUNT_TRAITS: u8 = 2;

pub fn route(kind: u8) -> u8 {
    match kind {
        IDENTIFY | ALIAS => USER_TRAITS,
        GROUP => ACCOUNT_TRAITS,
        _ => USAGE,
    }
}

impl Event {
    /// What a usage event is called (`routing.usage_name`).
    pub fn usage_name(&self) -> String {
        if let Some(event) = &self.event {
            return event.clone();
        }
        if let Some(name) = &self.name {
            return name.clone();
        }
        if let Some(name) = &self.property_name {
            return name.clone();
        }
        TYPE_NAMES[self.kind as usize].to_string()
    }
}
