//! The live-PBX port: the service layer's only way to reach Asterisk. The AMI adapter (`ami`) speaks
//! the wire protocol; `state` is the event-fed live picture of one node; `tenant` is the one rule
//! that says which tenant a channel, peer or device belongs to.

pub mod ami;
pub mod state;
pub mod tenant;
