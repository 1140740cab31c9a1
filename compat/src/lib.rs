//! The legacy MiRTA `proxyapi.php` wire protocol: parameter parsing, command recognition and response
//! rendering. No I/O, no database, no HTTP framework: the gateway's legacy door feeds it decoded
//! parameters and writes out what it renders.

pub mod command;
pub mod errors;
pub mod filter;
pub mod record;
pub mod render;
pub mod request;
