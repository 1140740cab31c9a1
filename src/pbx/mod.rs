//! The live-PBX port: the service layer's only way to reach Asterisk. The AMI adapter (`ami`) speaks
//! the wire protocol; `cluster` keeps one session and one live state per node; `state` is the
//! event-fed live picture of one node; `tenant` is the one rule that says which tenant a channel,
//! peer or device belongs to; `nodes` and `settings` come from configuration.

pub mod ami;
pub mod cluster;
pub mod node_config;
pub mod nodes;
pub mod settings;
pub mod state;
pub mod tenant;

pub use cluster::{Node, NodeChange, NodeStatus, Pbx, PbxError};
