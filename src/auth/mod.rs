//! Authentication: who is calling. Produces one `Principal` for both doors; authorization rules on
//! top of it live in `service`.

pub mod jwt;
pub mod passwords;
pub mod principal;
pub mod secrets;

pub use principal::{Principal, Reach, Subject};
