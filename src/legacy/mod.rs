//! The legacy door: MiRTA `proxyapi.php`. `pbx_compat` parses and renders the wire protocol; this
//! module only authenticates, dispatches to the service layer and maps results and errors to the
//! protocol's texts (CONTRACT.md). Known quirks kept and dropped are listed in the README.

pub mod action_result;
pub mod auth_ops;
pub mod balance;
pub mod campaigns;
pub mod cdrs;
pub mod destinations;
pub mod dispatch;
pub mod dnd;
pub mod endpoint;
pub mod fax;
pub mod files;
pub mod flows;
pub mod help;
pub mod info;
pub mod live;
pub mod managedb;
pub mod media;
pub mod phonebook;
pub mod queue;
pub mod recordings;
pub mod records;
pub mod report_logs;
pub mod response_path;
pub mod setting;
pub mod sms;
pub mod time;
pub mod user_groups;
pub mod virtualext;
pub mod voicemail;
