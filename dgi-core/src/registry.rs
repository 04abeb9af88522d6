//! Every registered job type, collected through `inventory`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::job_type::{JobMeta, JobType, Registration};
use crate::schema::snake_case;
use crate::{Error, Result};

/// A registered job type.
#[derive(Debug)]
pub struct Entry {
    /// What `#[job_type]` said.
    pub meta: JobMeta,
    /// The job type itself.
    pub job_type: Box<dyn JobType>,
}

impl Entry {
    /// The job type's code.
    pub fn code(&self) -> &'static str {
        self.meta.code
    }

    /// The table of the records.
    pub fn table(&self) -> &'static str {
        self.meta.code
    }

    /// The tables of the child lines, in the schema's order.
    pub fn child_tables(&self) -> Vec<String> {
        let schema = self.job_type.schema();
        schema
            .children
            .iter()
            .map(|c| format!("{}_{}", self.meta.code, snake_case(c.name)))
            .collect()
    }
}

/// The job types known to this program, sorted by code.
#[derive(Debug)]
pub struct Registry {
    entries: Vec<Entry>,
}

static GLOBAL: OnceLock<Registry> = OnceLock::new();

impl Registry {
    /// Every job type registered with `#[job_type]` in the linked crates,
    /// checked once.
    ///
    /// A crate that defines job types must be linked: reference it from the
    /// binary (`use my_job_types as _;`), or go through the `dgi` facade,
    /// which links the reference job types.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateRegistration`] when two job types share a code, a
    /// table or an endpoint; [`Error::InvalidJobType`] for a broken schema.
    pub fn global() -> Result<&'static Self> {
        if let Some(registry) = GLOBAL.get() {
            return Ok(registry);
        }
        let registry = Self::from_registrations(inventory::iter::<Registration>())?;
        Ok(GLOBAL.get_or_init(|| registry))
    }

    /// A registry of the given registrations, checked.
    ///
    /// # Errors
    ///
    /// As for [`Registry::global`].
    pub fn from_registrations<'a>(
        registrations: impl IntoIterator<Item = &'a Registration>,
    ) -> Result<Self> {
        let mut entries: Vec<Entry> = registrations
            .into_iter()
            .map(|r| Entry {
                meta: r.meta,
                job_type: (r.build)(),
            })
            .collect();
        entries.sort_by_key(|e| e.meta.code);
        check(&entries)?;
        Ok(Self { entries })
    }

    /// The job type registered under `code`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownJobType`], listing the known codes.
    pub fn get(&self, code: &str) -> Result<&Entry> {
        self.entries
            .iter()
            .find(|e| e.meta.code == code)
            .ok_or_else(|| Error::UnknownJobType {
                code: code.into(),
                known: self.codes().join(", "),
            })
    }

    /// Every job type, sorted by code.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// Every code, sorted.
    pub fn codes(&self) -> Vec<&'static str> {
        self.entries.iter().map(|e| e.meta.code).collect()
    }

    /// How many job types there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no job type is registered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn check(entries: &[Entry]) -> Result<()> {
    let mut seen: HashMap<(&'static str, String), &'static str> = HashMap::new();
    for entry in entries {
        let code = entry.meta.code;
        entry
            .job_type
            .schema()
            .check()
            .map_err(|reason| Error::InvalidJobType {
                code: code.into(),
                reason,
            })?;
        let mut claims = vec![
            ("code", code.to_owned()),
            ("endpoint", entry.meta.endpoint.into()),
        ];
        claims.push(("table", entry.table().into()));
        claims.extend(entry.child_tables().into_iter().map(|t| ("table", t)));
        for (what, value) in claims {
            if let Some(first) = seen.insert((what, value.clone()), code) {
                return Err(Error::DuplicateRegistration {
                    what,
                    value,
                    first: first.into(),
                    second: code.into(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::Value as Json;

    use super::*;
    use crate::schema::{Child, Field, Schema};
    use crate::{DummySource, Window};

    const FLAT: Schema = Schema {
        key: "id",
        fields: &[Field::text("id")],
        children: &[],
        filters: &[],
    };
    const NESTED: Schema = Schema {
        key: "id",
        fields: &[Field::text("id")],
        children: &[Child {
            name: "lines",
            fields: &[Field::text("x")],
        }],
        filters: &[],
    };

    #[derive(Default)]
    struct Flat;
    #[derive(Default)]
    struct Nested;

    impl DummySource for Flat {
        fn generate(&self, _: &str, _: &Window) -> Vec<Json> {
            Vec::new()
        }
    }
    impl JobType for Flat {
        fn schema(&self) -> &'static Schema {
            &FLAT
        }
    }
    impl DummySource for Nested {
        fn generate(&self, _: &str, _: &Window) -> Vec<Json> {
            Vec::new()
        }
    }
    impl JobType for Nested {
        fn schema(&self) -> &'static Schema {
            &NESTED
        }
    }

    fn flat(code: &'static str, endpoint: &'static str) -> Registration {
        let meta = JobMeta {
            code,
            label: code,
            icon: None,
            endpoint,
        };
        Registration {
            meta,
            build: || Box::new(Flat),
        }
    }

    fn nested(code: &'static str, endpoint: &'static str) -> Registration {
        let meta = JobMeta {
            code,
            label: code,
            icon: None,
            endpoint,
        };
        Registration {
            meta,
            build: || Box::new(Nested),
        }
    }

    fn error(registrations: &[Registration]) -> String {
        match Registry::from_registrations(registrations) {
            Ok(_) => String::from("no error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn lookup_lists_the_known_codes() {
        let registry = Registry::from_registrations(&[flat("b", "/b/read"), flat("a", "/a/read")])
            .expect("ok");
        assert_eq!(registry.codes(), ["a", "b"]);
        let err = registry.get("c").expect_err("unknown").to_string();
        assert_eq!(err, "unknown job type `c` (known: a, b)");
    }

    #[test]
    fn duplicates_name_both_sides() {
        let err = error(&[flat("a", "/x/read"), flat("a", "/y/read")]);
        assert_eq!(err, "job types `a` and `a` both claim code `a`");
        let err = error(&[flat("a", "/x/read"), flat("b", "/x/read")]);
        assert_eq!(err, "job types `a` and `b` both claim endpoint `/x/read`");
        let err = error(&[nested("wo", "/x/read"), flat("wo_lines", "/y/read")]);
        assert_eq!(
            err,
            "job types `wo` and `wo_lines` both claim table `wo_lines`"
        );
    }
}
