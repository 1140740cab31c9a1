//! Generates two lists that would otherwise be kept by hand, so adding a migration or an object's REST
//! file touches nothing else:
//!
//! - `$OUT_DIR/migrations.rs` (included by `store`): `SQLITE_MIGRATIONS` and `POSTGRES_MIGRATIONS`,
//!   `(version, description, sql)` from `migrations/<backend>/*.sql` plus `migrations/common/*.sql`.
//!   A file is `NNNN_description.sql` (version NNNN). A version may have several files, each then
//!   numbered `NNNN.K_description.sql`: its SQL is their texts concatenated by K, and its description is
//!   that of its part in `common/` (the part both backends share) when it has one, else of its first.
//! - `$OUT_DIR/object_apis.rs` (included by `api::objects`): a module per `src/api/objects/*.rs`, in
//!   file name order, and `ObjectApis` / `apis(core)` registering every file's `Api` (nested in tuples
//!   of at most 16, poem-openapi's limit), and `declared_writes()` for the declared-columns test.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=src/api/objects");
    let mut migrations = String::new();
    for (backend, constant) in [("sqlite", "SQLITE_MIGRATIONS"), ("postgres", "POSTGRES_MIGRATIONS")] {
        migrations.push_str(&format!("/// `{backend}` migrations: (version, description, sql).\n"));
        migrations.push_str(&format!("const {constant}: &[(i64, &str, &str)] = &[\n"));
        migrations.push_str(&migration_list(&root.join("migrations"), backend));
        migrations.push_str("];\n\n");
    }
    fs::write(out.join("migrations.rs"), migrations).expect("write migrations.rs");
    fs::write(out.join("object_apis.rs"), object_apis(&root.join("src/api/objects"))).expect("write object_apis.rs");
}

/// The files of a directory with this extension, sorted by name.
fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    files
}

/// One file of a migration.
struct Part {
    sub_order: Option<u32>,
    description: String,
    common: bool,
    path: PathBuf,
}

/// The entries of one backend's list.
fn migration_list(migrations: &Path, backend: &str) -> String {
    let mut versions: BTreeMap<i64, Vec<Part>> = BTreeMap::new();
    for (dir, common) in [(backend, false), ("common", true)] {
        for path in files(&migrations.join(dir), "sql") {
            let name = path.file_stem().and_then(|s| s.to_str()).expect("UTF-8 file name").to_string();
            let (number, description) = name.split_once('_').unwrap_or_else(|| misnamed(&path));
            let (version, sub_order) = match number.split_once('.') {
                Some((version, k)) => (version, Some(k.parse().unwrap_or_else(|_| misnamed(&path)))),
                None => (number, None),
            };
            let version = version.parse().unwrap_or_else(|_| misnamed(&path));
            versions.entry(version).or_default().push(Part {
                sub_order,
                description: description.to_string(),
                common,
                path: path.clone(),
            });
        }
    }
    let mut list = String::new();
    for (version, mut parts) in versions {
        if parts.len() > 1 {
            assert!(
                parts.iter().all(|p| p.sub_order.is_some()),
                "migration {version} ({backend}) has several files: number each NNNN.K_description.sql"
            );
            parts.sort_by_key(|p| p.sub_order);
            assert!(
                parts.windows(2).all(|w| w[0].sub_order != w[1].sub_order),
                "migration {version} ({backend}): two files share one part number"
            );
        }
        let description = &parts.iter().find(|p| p.common).unwrap_or(&parts[0]).description;
        let mut texts: Vec<String> =
            parts.iter().map(|p| format!("include_str!({:?})", p.path.display().to_string())).collect();
        let sql = if texts.len() == 1 { texts.remove(0) } else { format!("concat!({})", texts.join(", ")) };
        list.push_str(&format!("    ({version}, {description:?}, {sql}),\n"));
    }
    list
}

/// Stops the build on a migration file that does not follow the naming rule.
fn misnamed(path: &Path) -> ! {
    panic!("{}: name it NNNN_description.sql or NNNN.K_description.sql", path.display())
}

/// The module declarations and registration of every object REST file.
fn object_apis(dir: &Path) -> String {
    let modules: Vec<(String, PathBuf)> = files(dir, "rs")
        .into_iter()
        .map(|path| (path.file_stem().and_then(|s| s.to_str()).expect("UTF-8 file name").to_string(), path))
        .collect();
    let mut code = String::new();
    for (module, path) in &modules {
        code.push_str(&format!("#[path = {:?}]\npub mod {module};\n", path.display().to_string()));
    }
    let names: Vec<&str> = modules.iter().map(|(module, _)| module.as_str()).collect();
    let types: Vec<String> = names.iter().map(|m| format!("{m}::Api")).collect();
    let values: Vec<String> = names.iter().map(|m| format!("{m}::api(core)")).collect();
    let writes: Vec<String> =
        names.iter().map(|m| format!("({m:?}, {m}::Write::rules(), {m}::Write::named_columns())")).collect();
    code.push_str("\n/// Every object resource, in file name order.\n");
    code.push_str(&format!("pub type ObjectApis = {};\n\n", nest(types)));
    code.push_str("/// Builds every object resource over `core`.\n");
    code.push_str(&format!("pub fn apis(core: &crate::service::Core) -> ObjectApis {{\n    {}\n}}\n\n", nest(values)));
    let schemas: Vec<String> = names.iter().map(|m| format!("{m}::Write::schemas()")).collect();
    code.push_str("/// The write schemas of every object resource, for the document's `required` members.\n");
    code.push_str(&format!(
        "pub fn write_schemas() -> Vec<crate::api::resource::WriteSchemas> {{\n    vec![{}]\n}}\n\n",
        schemas.join(", ")
    ));
    code.push_str(
        "/// A resource's file, its object's rules, and the (REST name, column) pairs it maps.\n#[cfg(test)]\n",
    );
    code.push_str("pub(crate) type DeclaredWrite = (&'static str, &'static dyn crate::service::objects::ObjectRules, ");
    code.push_str("Vec<(&'static str, &'static str)>);\n\n");
    code.push_str("/// Every object resource's `DeclaredWrite`, for the declared-columns test.\n#[cfg(test)]\n");
    code.push_str(&format!(
        "pub(crate) fn declared_writes() -> Vec<DeclaredWrite> {{\n    vec![{}]\n}}\n",
        writes.join(", ")
    ));
    code
}

/// A tuple of the items, nested so that no tuple has more than 16 members (one item stands alone,
/// none is `()`).
fn nest(mut items: Vec<String>) -> String {
    while items.len() > 16 {
        items = items.chunks(16).map(|chunk| nest(chunk.to_vec())).collect();
    }
    match items.len() {
        1 => items.remove(0),
        _ => format!("({})", items.join(", ")),
    }
}
