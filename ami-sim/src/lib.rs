//! `ami-sim`: a scripted fake Asterisk Manager Interface (AMI) server for
//! integration tests and benchmarks of AMI clients.
//!
//! * [`Sim`] is a stateful node speaking the wire format recorded in
//!   `/work/shared/ami-captures` (banner, login, lists, events...).
//! * [`Replay`] replays one capture's server side with its exact TCP read
//!   boundaries.
//!
//! Capture numbers in comments (e.g. "(18)") refer to those recordings and
//! "fact N" to the numbered list in their README.

mod actions;
mod replay;
mod server;
mod sim;
mod state;
pub mod wire;

pub use actions::cause_text;
pub use replay::Replay;
pub use server::{BANNER, RecordedAction, SimConfig};
pub use sim::Sim;
pub use state::{ChannelSpec, ChannelState, Endpoint, Hint, QueueMember, Registration, UNKNOWN, extension_status_text};
