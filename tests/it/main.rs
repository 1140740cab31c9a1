//! The integration suite: one binary, modules mirror the routes. `make test-sqlite` runs it on SQLite,
//! `make test-pg` runs the very same tests on PostgreSQL (`PBXGW_TEST_DATABASE_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod api_keys;
mod audit;
mod auth;
mod balance;
mod cdrs;
mod chaos;
mod chaos_restarts;
mod cli;
mod demo_import;
mod destination_targets;
mod destinations;
mod extensions;
mod faxes;
mod flows;
mod health_and_docs;
mod http_limits;
mod info_lists;
mod isolation;
mod layering;
mod legacy_auth;
mod legacy_managedb;
mod legacy_protocol;
mod live_campaigns;
mod live_lab;
mod live_legacy;
mod live_rest;
mod managedb_special;
mod media;
mod objects_global;
mod objects_tenant;
mod operations;
mod otlp;
mod parity;
mod pbx_lab;
mod phonebooks;
mod queues;
mod rate_limits;
mod real_pbx;
mod recordings;
mod reference_examples;
mod references;
mod report_logs;
mod rule_parity;
mod schema_parity;
mod settings_dnd;
mod spec;
mod tenants;
mod user_groups;
mod users;
mod virtual_extensions;
mod voicemail_messages;
