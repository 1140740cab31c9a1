//! Outbound SIP registrations: the registration string is derived, never carrying the secret.

use super::ServiceResult;
use super::catalog::SIPREG;
use super::rules::{ObjectRules, Prepare};
use crate::domain::object::ObjectDef;
use crate::store::objects::{Changes, Row};

/// Rules of `sipregs`.
#[derive(Debug)]
pub struct SipRegRules;

impl ObjectRules for SipRegRules {
    fn def(&self) -> &'static ObjectDef {
        &SIPREG
    }

    fn prepare(&self, _ctx: &Prepare<'_>, _changes: &mut Changes) -> ServiceResult<()> {
        Ok(())
    }

    /// `user@host[:port][/extension]`: the Asterisk `register =>` string minus its secret.
    fn derived(&self, row: &Row) -> Vec<(&'static str, String)> {
        vec![("sr_registration", registration(row))]
    }
}

/// The registration string of a row, without the secret.
pub fn registration(row: &Row) -> String {
    let mut text = format!("{}@{}", row.text("sr_username"), row.text("sr_host"));
    if !row.text("sr_port").is_empty() {
        text.push(':');
        text.push_str(row.text("sr_port"));
    }
    if !row.text("sr_extension").is_empty() {
        text.push('/');
        text.push_str(row.text("sr_extension"));
    }
    text
}
