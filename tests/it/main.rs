//! The integration suite: one binary, modules mirror the routes. `make test-sqlite` runs it on SQLite,
//! `make test-pg` runs the very same tests on PostgreSQL (`PBXGW_TEST_DATABASE_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod api_keys;
mod auth;
mod cli;
mod extensions;
mod health_and_docs;
mod info_lists;
mod isolation;
mod legacy_auth;
mod legacy_managedb;
mod legacy_protocol;
mod parity;
mod queues;
mod spec;
mod tenants;
mod users;
