//! One event as the pass holds it between reading and encoding: its type, ids, names and times,
//! and its objects as ranges of the batch's buffer (their canonical JSON, copied once).

// The types, in the order of `TYPE_NAMES`.
pub const TRACK: u8 = 0;
pub const PAGE: u8 = 1;
pub const SCREEN: u8 = 2;
pub const IDENTIFY: u8 = 3;
pub const GROUP: u8 = 4;
pub const ALIAS: u8 = 5;
pub const TYPE_NAMES: [&str; 6] = ["track", "page", "screen", "identify", "group", "alias"];

pub struct Event {
    pub index: usize,
    pub kind: u8,
    pub message_id: String,
    pub user_id: Option<String>,
    pub anonymous_id: Option<String>,
    pub event: Option<String>,
    pub name: Option<String>,
    // The name a page or screen takes from its properties (`routing.usage_name`).
    pub property_name: Option<String>,
    // Canonical JSON of the objects, as ranges of the batch's buffer; None: `{}`.
    pub properties: Option<(usize, usize)>,
    pub traits: Option<(usize, usize)>,
    pub context: Option<(usize, usize)>,
    pub group_id: Option<String>,
    pub context_group_id: Option<String>,
    pub previous_id: Option<String>,
    pub timestamp: i64,
    pub original_timestamp: Option<i64>,
    pub sent_at: Option<i64>,
}
