//! The Asterisk Manager Interface adapter: wire format (`message`, `codec`) and one connection per
//! node.

pub mod codec;
pub mod message;

pub use codec::{DecodeError, Decoder, Frame};
pub use message::{Action, HeaderInjection, Kind, Message};
