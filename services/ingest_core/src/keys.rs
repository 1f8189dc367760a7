//! The Kafka key of each record (`plan._key`: by account, by person when there is none, user
//! traits by user) and its event id (`plan.EventIds`).

use crate::accounts::ANONYMOUS;
use crate::event::{Event, ALIAS};
use crate::routing::USER_TRAITS;

pub fn key(workspace_id: &str, topic: u8, event: &Event, account: Option<&str>) -> String {
    match (topic, account) {
        (USER_TRAITS, _) if event.kind == ALIAS => {
            format!(
                "{workspace_id}:{}",
                event.previous_id.as_deref().unwrap_or("")
            )
        }
        (USER_TRAITS, _) => {
            format!("{workspace_id}:{}", event.user_id.as_deref().unwrap_or(""))
        }
        (_, Some(account)) => format!("{workspace_id}:{account}"),
        (_, None) => match &event.user_id {
            Some(user) => format!("{workspace_id}:user:{user}"),
            None => format!(
                "{workspace_id}:{ANONYMOUS}{}",
                event.anonymous_id.as_deref().unwrap_or("")
            ),
        },
    }
}

/// `plan.EventIds`: uuid5 of the namespace and `<source>\n<messageId>`.
pub struct EventIds {
    prefix: sha1_smol::Sha1,
}

impl EventIds {
    pub fn new(namespace: &[u8], source_id: &str) -> Self {
        let mut prefix = sha1_smol::Sha1::new();
        prefix.update(namespace);
        prefix.update(source_id.as_bytes());
        prefix.update(b"\n");
        EventIds { prefix }
    }

    pub fn of(&self, message_id: &str) -> [u8; 36] {
        let mut hashed = self.prefix.clone();
        hashed.update(message_id.as_bytes());
        let mut digest = hashed.digest().bytes();
        digest[6] = (digest[6] & 0x0f) | 0x50;
        digest[8] = (digest[8] & 0x3f) | 0x80;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 36];
        let mut at = 0;
        for (i, byte) in digest[..16].iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                text[at] = b'-';
                at += 1;
            }
            text[at] = HEX[(byte >> 4) as usize];
            text[at + 1] = HEX[(byte & 0xf) as usize];
            at += 2;
        }
        text
    }
}
