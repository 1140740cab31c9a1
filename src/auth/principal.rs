//! The caller, as both doors see it.

/// Which tenants a principal may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every tenant and the global objects (admin key, admin user).
    Global,
    /// Only these tenant ids (tenant keys: exactly one; users: their linked tenants).
    Tenants(Vec<i64>),
}

/// What authenticated the caller (for logs and audit; never a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// An API key, by id.
    ApiKey {
        /// `ak_id`.
        id: i64,
    },
    /// A user holding an access token.
    User {
        /// `us_id`.
        id: i64,
    },
    /// The operator at the command line (`pbx-gateway keys ...`), trusted by having the machine.
    System,
}

/// An authenticated caller with its reach and write right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Who.
    pub subject: Subject,
    /// Which tenants.
    pub reach: Reach,
    /// Reads only.
    pub read_only: bool,
}

impl Principal {
    /// The command-line operator: global read-write.
    pub fn system() -> Principal {
        Principal { subject: Subject::System, reach: Reach::Global, read_only: false }
    }

    /// Global read-write: may do everything.
    pub fn is_admin(&self) -> bool {
        self.reach == Reach::Global && !self.read_only
    }

    /// Whether the principal may see tenant `tenant_id` at all.
    pub fn reaches(&self, tenant_id: i64) -> bool {
        match &self.reach {
            Reach::Global => true,
            Reach::Tenants(ids) => ids.contains(&tenant_id),
        }
    }

    /// The one tenant of a single-tenant principal (tenant keys), if that is what it is.
    pub fn single_tenant(&self) -> Option<i64> {
        match &self.reach {
            Reach::Tenants(ids) if ids.len() == 1 => ids.first().copied(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_and_admin() {
        let admin = Principal { subject: Subject::ApiKey { id: 1 }, reach: Reach::Global, read_only: false };
        let tenant = Principal { subject: Subject::ApiKey { id: 2 }, reach: Reach::Tenants(vec![7]), read_only: false };
        let global_ro = Principal { read_only: true, ..admin.clone() };
        assert!(admin.is_admin() && admin.reaches(99));
        assert!(!tenant.is_admin() && tenant.reaches(7) && !tenant.reaches(8));
        assert_eq!(tenant.single_tenant(), Some(7));
        assert!(!global_ro.is_admin(), "a read-only global principal is not an admin");
    }
}
