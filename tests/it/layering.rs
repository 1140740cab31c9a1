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
        &[
            "crate::store",
            "crate::service",
            "crate::api",
            "crate::legacy",
            "crate::pbx",
            "crate::auth",
            "poem",
            "sqlx",
            "pbx_compat",
        ],
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

/// A module of `src/service` as a path below the service (`["live", "queues"]`), from its file.
fn service_module(service: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(service).unwrap().with_extension("");
    let mut path: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
    if path.last().is_some_and(|last| last == "mod") {
        path.pop();
    }
    path
}

/// The modules a service file names (`super::x`, `crate::service::x::y`, brace groups included),
/// resolved to the deepest module that has a file. Test modules are left out: they may reach
/// anything.
fn named_modules(text: &str, own: &[String], modules: &[Vec<String>]) -> Vec<Vec<String>> {
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let resolve = |base: &[String], rest: &str| -> Vec<String> {
        let mut path = base.to_vec();
        for segment in rest.split("::") {
            let segment: String = segment.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            path.push(segment);
            if !modules.contains(&path) {
                path.pop();
                break;
            }
        }
        path
    };
    let mut found = Vec::new();
    let mut reference = |base: Vec<String>, at: usize| {
        let rest = &code[at..];
        if let Some(group) = rest.strip_prefix('{') {
            // `{a, b::C, d::{E, F}}`: the first segment of each item at depth 0.
            let (mut depth, mut item) = (0, String::new());
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.push(resolve(&base, item.trim()));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            found.push(resolve(&base, item.trim()));
        } else {
            found.push(resolve(&base, rest));
        }
    };
    for (at, _) in code.match_indices("crate::service::") {
        reference(Vec::new(), at + "crate::service::".len());
    }
    for (at, _) in code.match_indices("super::") {
        if code[..at].ends_with("super::") {
            continue; // counted from the first `super::` of a chain
        }
        let mut base = own[..own.len() - 1].to_vec();
        let mut end = at + "super::".len();
        while code[end..].starts_with("super::") {
            base.pop();
            end += "super::".len();
        }
        reference(base, end);
    }
    found.retain(|module| !module.is_empty() && module.as_slice() != own && !module.starts_with(own));
    found
}

/// Service modules form layers: each one may use those below it, never one that (through others)
/// uses it back. A cycle means two modules are one in disguise, or a rule lives in the wrong one.
#[test]
fn service_modules_import_no_cycle() {
    let service = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service");
    let mut files = Vec::new();
    rust_files(&service, &mut files);
    let modules: Vec<Vec<String>> = files.iter().map(|file| service_module(&service, file)).collect();
    let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for (file, own) in files.iter().zip(&modules) {
        if own.is_empty() {
            continue; // `service/mod.rs` declares the modules and holds `Core`
        }
        let text = std::fs::read_to_string(file).unwrap();
        for target in named_modules(&text, own, &modules) {
            // A child naming its parent's items (`super::Helper`) is not a dependency between layers.
            if !own.starts_with(&target) {
                edges.entry(own.join("::")).or_default().insert(target.join("::"));
            }
        }
    }
    // Depth-first search; a back edge closes a cycle, reported with its path.
    fn visit<'a>(
        node: &'a str,
        edges: &'a std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        stack: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|on| *on == node) {
            cycles.push(format!("{} -> {node}", stack[at..].join(" -> ")));
            return;
        }
        if !done.insert(node) {
            return;
        }
        stack.push(node);
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, stack, done, cycles);
        }
        stack.pop();
    }
    let (mut done, mut cycles) = (Default::default(), Vec::new());
    for node in edges.keys() {
        visit(node, &edges, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "service modules import each other in a cycle:\n{}", cycles.join("\n"));
}
