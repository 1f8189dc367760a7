//! Which account each event belongs to (`domain/accounts.py`, `plan._account`): the one it names,
//! else its user's last group; and the last-group map a request's group and alias calls change.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::event::{Event, ALIAS, GROUP};
use crate::routing::ACCOUNT_TRAITS;

pub const ANONYMOUS: &str = "anonymous:";

impl Event {
    pub fn names_account(&self) -> bool {
        self.group_id.is_some() || self.context_group_id.is_some()
    }

    pub fn candidates(&self) -> Vec<String> {
        let mut found = Vec::with_capacity(2);
        if let Some(user) = &self.user_id {
            found.push(user.clone());
        }
        if let Some(anonymous) = &self.anonymous_id {
            found.push(format!("{ANONYMOUS}{anonymous}"));
        }
        if let Some(previous) = &self.previous_id {
            found.push(previous.clone());
            found.push(format!("{ANONYMOUS}{previous}"));
        }
        found
    }

    fn identity(&self) -> String {
        match &self.user_id {
            Some(user) => user.clone(),
            None => format!("{ANONYMOUS}{}", self.anonymous_id.as_deref().unwrap_or("")),
        }
    }
}

/// The last-group map of one request (`accounts.Memberships`).
pub struct Memberships {
    known: HashMap<String, String>,
    pub changes: IndexMap<String, String>,
}

impl Memberships {
    pub fn new(known: HashMap<String, String>) -> Self {
        Memberships {
            known,
            changes: IndexMap::new(),
        }
    }

    fn account_of<'a>(&self, identities: impl IntoIterator<Item = &'a String>) -> Option<String> {
        for identity in identities {
            if let Some(account) = self
                .changes
                .get(identity)
                .or_else(|| self.known.get(identity))
            {
                return Some(account.clone());
            }
        }
        None
    }

    fn record(&mut self, identity: String, account: &str) {
        let current = self
            .changes
            .get(&identity)
            .or_else(|| self.known.get(&identity));
        if current.map(String::as_str) != Some(account) {
            self.changes.insert(identity, account.to_string());
        }
    }

    /// The account the event names, else (except an account-traits record) its user's last
    /// group (`plan._account`).
    pub fn account(&self, event: &Event, topic: u8) -> Option<String> {
        if event.group_id.is_some() {
            event.group_id.clone()
        } else if event.context_group_id.is_some() {
            event.context_group_id.clone()
        } else if topic == ACCOUNT_TRAITS {
            None
        } else {
            self.account_of(event.candidates().iter())
        }
    }

    /// What a group call, or an alias whose new id has no group yet, changes (`plan._remember`):
    /// the events after it in the request see the change.
    pub fn remember(&mut self, event: &Event, account: Option<&str>) {
        if event.kind == GROUP {
            if let Some(group) = &event.group_id {
                self.record(event.identity(), group);
            }
        } else if event.kind == ALIAS {
            if let (Some(user), Some(account)) = (&event.user_id, account) {
                if self.account_of([user]).is_none() {
                    self.record(user.clone(), account);
                }
            }
        }
    }
}
