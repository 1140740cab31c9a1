//! The layers of ARCHITECTURE, held by the imports of each source tree: `domain` needs nothing of
//! the gateway's above it, `store` and `service` know no HTTP framework and no legacy protocol
//! types (the doors translate those), `store` never calls up into `service`, and the doors reach
//! stored shapes only through `service::model`. A `use` that breaks a rule fails here with its file
//! and line.

use std::path::{Path, PathBuf};

/// (source tree, what its files must not name, why).
const RULES: &[(&str, &[&str], &str)] = &[
    (
        "src/domain",
        &["crate::store", "crate::service", "crate::api", "crate::legacy", "crate::pbx", "crate::auth", "poem", "sqlx"],
        "domain types stand alone",
    ),
    ("src/store", &["crate::service", "crate::api", "crate::legacy", "poem", "pbx_compat"], "the store is SQL only"),
    ("src/service", &["crate::api", "crate::legacy", "poem", "pbx_compat"], "the service knows no door"),
    ("src/api", &["crate::store", "crate::legacy"], "the REST door speaks to the service only (service::model)"),
    ("src/legacy", &["crate::store", "crate::api"], "the legacy door speaks to the service only (service::model)"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn each_layer_imports_only_what_is_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for (tree, forbidden, why) in RULES {
        let mut files = Vec::new();
        rust_files(&root.join(tree), &mut files);
        assert!(!files.is_empty(), "{tree} has no sources");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for name in *forbidden {
                    let named = code.match_indices(name).any(|(at, _)| {
                        // A whole path segment: `poem::`, not `poems` or `my_poem`.
                        let before = code[..at].chars().next_back();
                        let after = code[at + name.len()..].chars().next();
                        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    });
                    if named {
                        let shown = file.strip_prefix(root).unwrap_or(&file).display();
                        broken.push(format!("{shown}:{}: names `{name}` ({why}): {}", n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "layer rules broken:\n{}", broken.join("\n"));
}
