//! The live-PBX port: the service layer's only way to reach Asterisk. The AMI adapter (`ami`) speaks
//! the wire protocol.

pub mod ami;
