//! Every provisioned object with its rules: the legacy door's `object=` dispatch and the views that
//! walk all objects. Joins the objects with rules of their own (their modules) and those the
//! declaration alone serves (`catalog::DECLARATIVE`); it sits above every rule module so none of them
//! depends on it.

use std::sync::LazyLock;

use super::catalog;
use super::rules::ObjectRules;

/// Every object, in `catalog::all()` order.
pub fn registry() -> &'static [&'static dyn ObjectRules] {
    static REGISTRY: LazyLock<Vec<&'static dyn ObjectRules>> = LazyLock::new(|| {
        let with_rules: [&'static dyn ObjectRules; 6] = [
            &super::tenants::TenantRules,
            &super::users::UserRules,
            &super::extensions::ExtensionRules,
            &super::voicemail::VoicemailRules,
            &super::flows::FlowRules,
            &super::sipregs::SipRegRules,
        ];
        let declarative = catalog::DECLARATIVE.iter().map(|rules| *rules as &'static dyn ObjectRules);
        with_rules.into_iter().chain(declarative).collect()
    });
    &REGISTRY
}

/// The rules of legacy object `name` (already canonicalised).
pub fn find(name: &str) -> Option<&'static dyn ObjectRules> {
    registry().iter().copied().find(|rules| rules.def().name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::object::{Check, ObjectDef};

    /// The object whose id column ends `name` (`ex_dn_me_id` ends with `me_id`: media files).
    fn named_target(name: &str) -> Option<&'static ObjectDef> {
        registry().iter().map(|rules| rules.def()).find(|def| name.ends_with(&format!("_{}", def.id_column)))
    }

    /// Tenant isolation of links rests on the declarations: every `*_id` column says what it
    /// points at, and a column named after another object's id column points at that object.
    #[test]
    fn every_id_column_is_a_declared_reference_or_an_external_id() {
        for rules in registry() {
            let def = rules.def();
            for field in def.fields.iter().filter(|f| f.name.ends_with("_id")) {
                match (field.check, named_target(field.name)) {
                    (Check::Reference(target), Some(named)) => {
                        assert!(std::ptr::eq(target, named), "{}.{} points at {}", def.name, field.name, target.name)
                    }
                    (Check::Reference(_), None) => {}
                    (Check::ExternalId, None) => {}
                    (check, named) => panic!(
                        "{}.{} is declared {check:?}; an id column must be a Reference{} or an ExternalId",
                        def.name,
                        field.name,
                        named.map(|n| format!(" to {}", n.name)).unwrap_or_default()
                    ),
                }
            }
        }
    }

    /// The registry serves each declared object exactly once, with rules for the declaration.
    #[test]
    fn every_declared_object_has_its_rules_once() {
        let served: Vec<&ObjectDef> = registry().iter().map(|rules| rules.def()).collect();
        let declared: Vec<&ObjectDef> = catalog::all().collect();
        assert_eq!(served.len(), declared.len());
        for (served, declared) in served.iter().zip(&declared) {
            assert!(std::ptr::eq(*served, *declared), "{} is served where {} is declared", served.name, declared.name);
        }
    }
}
