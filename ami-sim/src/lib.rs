//! `ami-sim`: a scripted fake Asterisk Manager Interface (AMI) server for
//! integration tests and benchmarks of AMI clients.
//!
//! * [`Sim`] is a stateful node speaking the wire format recorded in
//!   `tests/ami-captures` (copied from the recorded transcripts) (banner, login, lists, events...).
//! * [`Replay`] replays one capture's server side with its exact TCP read
//!   boundaries.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ami_sim::{ChannelSpec, ChannelState, Sim, SimConfig};
//! let sim = Sim::start(SimConfig { node_name: "srv01".into(), ..SimConfig::default() }).await?;
//! sim.add_endpoint("103-DEMO", "Not in use", &["sip:103@127.0.0.1:5070"]);
//! sim.add_channel(ChannelSpec { name: "PJSIP/103-DEMO-00000001".into(), state: ChannelState::Up, ..Default::default() });
//! // ... point the client under test at sim.addr(), then inspect sim.actions() ...
//! sim.shutdown();
//! # Ok(()) }
//! ```
//!
//! Events go through a broadcast channel of 65,536 entries per node; a
//! connection that falls further behind silently loses the oldest events.
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
