//! The Asterisk Manager Interface adapter: wire format (`message`, `codec`) and one supervised
//! session per node (`client`).

pub mod client;
pub mod codec;
pub mod message;

pub use client::{AmiClient, ClientError, ClientOptions, Health, Signal};
pub use codec::{DecodeError, Decoder, Frame};
pub use message::{Action, HeaderInjection, Kind, Message, breaks_framing};
