//! INFO sub-types. This build serves EXTENSIONS, DIDS and QUEUES; the others answer with an empty
//! body, as the contract prescribes for sub-types it does not know, until their issues land.

use pbx_compat::command::{Format, InfoKind};
use pbx_compat::render::{Rendered, plain};
use serde_json::Value as Json;

use super::dispatch::{Answer, Call, error_text};
use super::records::record;
use crate::service::extensions::ExtensionRules;
use crate::service::objects::Filter;
use crate::service::objects::{self, PageRequest};
use crate::service::{Core, catalog, tenants};

/// Answers `reqtype=INFO`.
pub async fn answer(core: &Core, call: &Call<'_>, kind: &InfoKind) -> Answer {
    match kind {
        InfoKind::Other(kind) if kind == "CDRS" => super::cdrs::info_cdrs(core, call).await,
        InfoKind::Other(kind) if kind == "SIMPLECDRS" => super::cdrs::info_simplecdrs(core, call).await,
        InfoKind::Other(k) if super::recordings::INFO_KINDS.contains(&k.as_str()) => {
            super::recordings::answer(core, call, k).await
        }
        InfoKind::Other(k) if k == "FAX" => super::fax::info(core, call).await.into(),
        InfoKind::Other(kind) if kind == "VOICEMAIL" => super::voicemail::info_audio(core, call).await,
        InfoKind::Other(kind) if kind == "VOICEMAILTRANSCRIPT" => {
            super::voicemail::info_transcript(core, call).await.into()
        }
        _ => rendered(core, call, kind).await.into(),
    }
}

/// The INFO sub-types answered in memory.
async fn rendered(core: &Core, call: &Call<'_>, kind: &InfoKind) -> Rendered {
    match kind {
        InfoKind::Extensions { id, number } => extensions(core, call, id.as_deref(), number.as_deref()).await,
        InfoKind::Other(kind) if kind == "DIDS" => dids(core, call).await,
        InfoKind::Other(kind) if kind == "QUEUES" => queues(core, call).await,
        InfoKind::Other(kind) if kind == "BALANCE" => super::balance::info(core, call).await,
        InfoKind::Other(kind) if kind == "FLOW" => super::flows::state(core, call).await,
        InfoKind::Other(kind) if kind == "VARIABLE" => super::flows::variable(core, call).await,
        InfoKind::Other(kind) if kind == "CALL" => super::cdrs::info_call(core, call).await,
        InfoKind::Other(kind) if kind == "QUEUELOGS" => super::report_logs::queue_logs(core, call).await,
        InfoKind::Other(kind) if kind == "IVRLOGS" => super::report_logs::ivr_logs(core, call).await,
        InfoKind::Other(kind) if kind == "EXTSTATE" => super::live::info_extstate(core, call).await,
        InfoKind::Other(kind) if kind == "REGSTATE" => super::live::info_regstate(core, call).await,
        InfoKind::Other(kind) if kind == "SMS" => super::sms::info(core, call).await,
        InfoKind::Other(_) | InfoKind::Missing => Rendered::empty(&call.output),
    }
}

/// `tenant=` for INFO calls: an admin may omit it or pass `%` for every tenant.
fn info_tenant<'a>(call: &Call<'a>) -> Option<&'a str> {
    call.tenant.filter(|t| *t != "%")
}

/// Plain header of INFO dids (CONTRACT §1 row 34) and the record fields of its columns.
const DIDS_COLUMNS: [(&str, &str); 11] = [
    ("Country", "di_country"),
    ("Area", "di_area"),
    ("Number", "di_number"),
    ("Tenant", "te_code"),
    ("Comment", "di_comment"),
    ("Recording", "di_recording"),
    ("Faxstation ID", "di_faxstationid"),
    ("FAX Email", "di_fax_email"),
    ("Max Channels", "di_maxchannels"),
    ("Recording EMail", "di_emailrecording"),
    ("SMS Email", "di_smsemail"),
];

/// INFO dids: each DID record joined with its tenant's record (secrets blanked), with positional
/// twins in JSON because a public client reads the numbers by index.
async fn dids(core: &Core, call: &Call<'_>) -> Rendered {
    if matches!(call.output.format, Format::Xml | Format::Csv) {
        return Rendered::empty(&call.output);
    }
    let rows =
        match objects::list(core, &call.principal, &catalog::DIDS, info_tenant(call), Vec::new(), PageRequest::ALL)
            .await
        {
            Ok(page) => page.items,
            Err(err) => return Rendered::text(&call.output, error_text(err)),
        };
    if rows.is_empty() {
        return Rendered::empty(&call.output);
    }
    let mut tenant_ids: Vec<i64> = rows.iter().filter_map(|r| r.tenant_id).collect();
    tenant_ids.sort_unstable();
    tenant_ids.dedup();
    let tenants = match tenants::reachable_rows(core, &call.principal, &tenant_ids).await {
        Ok(rows) => rows,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    let records: Vec<_> = rows
        .iter()
        .map(|row| {
            let mut joined = record(&catalog::DIDS, row);
            if let Some(tenant) = tenants.iter().find(|t| Some(t.id) == row.tenant_id) {
                for (name, value) in record(&tenants::TenantRules, tenant).fields() {
                    joined.push(name.clone(), value.clone());
                }
            }
            joined
        })
        .collect();
    match call.output.format {
        Format::Json => Rendered::json(
            &call.output,
            &Json::Array(records.iter().map(|r| r.to_json_with_positional_twins()).collect()),
        ),
        _ => {
            let header: Vec<&str> = DIDS_COLUMNS.iter().map(|(label, _)| *label).collect();
            let lines: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    DIDS_COLUMNS.iter().map(|(_, field)| r.get_str(field).unwrap_or_default().to_string()).collect()
                })
                .collect();
            Rendered::text(&call.output, plain::table(&header, &lines))
        }
    }
}

/// INFO queues: `{qu_id: qu_name}` in JSON, `<qu_id>: <qu_name>|` pairs in plain (Q22: with the space).
async fn queues(core: &Core, call: &Call<'_>) -> Rendered {
    let rows =
        match objects::list(core, &call.principal, &catalog::QUEUES, info_tenant(call), Vec::new(), PageRequest::ALL)
            .await
        {
            Ok(page) => page.items,
            Err(err) => return Rendered::text(&call.output, error_text(err)),
        };
    if rows.is_empty() {
        return Rendered::empty(&call.output);
    }
    match call.output.format {
        Format::Json => {
            let map: serde_json::Map<String, Json> =
                rows.iter().map(|r| (r.id.to_string(), Json::String(r.text("qu_name").to_string()))).collect();
            Rendered::json(&call.output, &Json::Object(map))
        }
        Format::Plain => {
            let pairs: Vec<(String, String)> =
                rows.iter().map(|r| (r.id.to_string(), r.text("qu_name").to_string())).collect();
            Rendered::text(&call.output, plain::pair_line(&pairs, ": "))
        }
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    }
}

/// Plain header of INFO extensions (CONTRACT §1 row 8).
const EXTENSIONS_HEADER: [&str; 6] = ["Number", "Name", "Tech", "State", "Username", "Password"];

async fn extensions(core: &Core, call: &Call<'_>, id: Option<&str>, number: Option<&str>) -> Rendered {
    // xml and csv are not served for this call: empty body (OBSERVED A-40).
    if matches!(call.output.format, Format::Xml | Format::Csv) {
        return Rendered::empty(&call.output);
    }
    let mut conditions = Vec::new();
    if let Some(id) = id {
        // A non-numeric id matches nothing.
        let Ok(filter) = Filter::equals(&ExtensionRules, "ex_id", id) else {
            return Rendered::empty(&call.output);
        };
        conditions.push(filter);
    }
    if let Some(number) = number {
        match Filter::equals(&ExtensionRules, "ex_number", number) {
            Ok(filter) => conditions.push(filter),
            Err(err) => return Rendered::text(&call.output, error_text(err)),
        }
    }
    let rows =
        match objects::list(core, &call.principal, &ExtensionRules, info_tenant(call), conditions, PageRequest::ALL)
            .await
        {
            Ok(page) => page.items,
            Err(err) => return Rendered::text(&call.output, error_text(err)),
        };
    if rows.is_empty() {
        return Rendered::empty(&call.output);
    }
    let mut records: Vec<_> = rows.iter().map(|row| record(&ExtensionRules, row)).collect();
    for record in &mut records {
        // `username` is `<number>-<TENANT>`: the live device state of that extension, when a node knows it.
        let live = record
            .get_str("username")
            .and_then(|username| username.rsplit_once('-'))
            .and_then(|(number, tenant)| crate::service::live::reads::extension_device_state(core, tenant, number));
        if let Some(state) = live {
            record.set_text("st_state", state);
        }
    }
    match call.output.format {
        Format::Json => Rendered::json(&call.output, &Json::Array(records.iter().map(|r| r.to_json()).collect())),
        _ => {
            let lines: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    let field = |name: &str| r.get_str(name).unwrap_or_default().to_string();
                    // The Password column is always empty: credentials are never shown.
                    vec![
                        field("ex_number"),
                        field("ex_name"),
                        field("ex_tech"),
                        field("st_state"),
                        field("username"),
                        String::new(),
                    ]
                })
                .collect();
            Rendered::text(&call.output, plain::table(&EXTENSIONS_HEADER, &lines))
        }
    }
}
