//! pbx-gateway: one service core behind two doors — the OpenAPI-first REST API (`api`) and the legacy
//! MiRTA `proxyapi.php` protocol (`legacy`). See ARCHITECTURE.md for the layering rules.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod http_server;
pub mod import;
pub mod legacy;
pub mod metrics;
pub mod pbx;
pub mod service;
pub mod store;
pub mod streaming;
pub mod telemetry;
