//! The shape of a job type's records: fields, natural key, child lines.

/// How a field's value is read and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// Text, trimmed of surrounding blanks.
    Text,
    /// A whole number (counts, odometer readings, tenors).
    Integer,
    /// An exact decimal: amounts and percentages, from numbers or strings with
    /// `.` or `,` as separator.
    Decimal,
    /// A date, `DD/MM/YYYY`.
    Date,
    /// A timestamp, `DD/MM/YYYY HH:MM:SS` (also year first).
    Timestamp,
    /// A time of day, `HH:MM` or `HH.MM`.
    Time,
}

/// One field of a record, under its exact DGI name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The DGI field name, e.g. `idDokumenPengajuan`.
    pub name: &'static str,
    /// How the value is read and stored.
    pub kind: FieldKind,
    /// Other spellings servers use for this field, e.g. `Kuantitas`.
    pub aliases: &'static [&'static str],
}

impl Field {
    /// A text field.
    pub const fn text(name: &'static str) -> Self {
        Self::new(name, FieldKind::Text)
    }

    /// A whole-number field.
    pub const fn integer(name: &'static str) -> Self {
        Self::new(name, FieldKind::Integer)
    }

    /// An exact decimal field (amounts, percentages).
    pub const fn decimal(name: &'static str) -> Self {
        Self::new(name, FieldKind::Decimal)
    }

    /// A `DD/MM/YYYY` date field.
    pub const fn date(name: &'static str) -> Self {
        Self::new(name, FieldKind::Date)
    }

    /// A `DD/MM/YYYY HH:MM:SS` timestamp field.
    pub const fn timestamp(name: &'static str) -> Self {
        Self::new(name, FieldKind::Timestamp)
    }

    /// An `HH:MM` time field.
    pub const fn time(name: &'static str) -> Self {
        Self::new(name, FieldKind::Time)
    }

    /// A field of any kind.
    pub const fn new(name: &'static str, kind: FieldKind) -> Self {
        Self {
            name,
            kind,
            aliases: &[],
        }
    }

    /// The same field, also read under `aliases`.
    pub const fn alias(self, aliases: &'static [&'static str]) -> Self {
        Self { aliases, ..self }
    }

    /// The SQL column name: the DGI name in snake case.
    pub fn column(&self) -> String {
        snake_case(self.name)
    }
}

/// Lines nested in a record under an array field, stored in their own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    /// The array field, e.g. `services`.
    pub name: &'static str,
    /// The fields of one line.
    pub fields: &'static [Field],
}

/// Everything storage needs to know about a job type's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema {
    /// The natural key field (the specification's PK), e.g. `idDokumenPengajuan`.
    pub key: &'static str,
    /// Every header field except `dealerId`, which every record carries and
    /// which becomes the row's dealer. The key is one of them.
    pub fields: &'static [Field],
    /// Arrays of lines belonging to the record.
    pub children: &'static [Child],
    /// The request filters the endpoint accepts besides the window and dealer.
    pub filters: &'static [&'static str],
}

impl Schema {
    /// The key field.
    ///
    /// # Panics
    ///
    /// When the key is not among the fields; the registry checks this when
    /// it is built, so a registered job type never panics here.
    pub fn key_field(&self) -> &Field {
        self.fields
            .iter()
            .find(|f| f.name == self.key)
            .unwrap_or_else(|| panic!("key `{}` is not among the fields", self.key))
    }

    /// Checks the schema is usable: the key is a text field, names are unique.
    pub(crate) fn check(&self) -> Result<(), String> {
        match self.fields.iter().find(|f| f.name == self.key) {
            None => return Err(format!("key `{}` is not among the fields", self.key)),
            Some(f) if f.kind != FieldKind::Text => {
                return Err(format!("key `{}` is not a text field", self.key));
            }
            Some(_) => {}
        }
        let mut names: Vec<String> = self.fields.iter().map(Field::column).collect();
        names.extend(self.children.iter().map(|c| snake_case(c.name)));
        if let Some(dup) = first_duplicate(&mut names) {
            return Err(format!("column `{dup}` appears twice"));
        }
        for child in self.children {
            let mut names: Vec<String> = child.fields.iter().map(Field::column).collect();
            if let Some(dup) = first_duplicate(&mut names) {
                return Err(format!("column `{dup}` appears twice in `{}`", child.name));
            }
        }
        Ok(())
    }
}

fn first_duplicate(names: &mut [String]) -> Option<String> {
    names.sort();
    names
        .windows(2)
        .find(|w| w[0] == w[1])
        .map(|w| w[0].clone())
}

/// `idDokumenPengajuan` -> `id_dokumen_pengajuan`, `idPOFinanceCompany` ->
/// `id_po_finance_company`, `noSAForm` -> `no_sa_form`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let after_lower = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            let ends_acronym = prev.is_some_and(|p| p.is_ascii_uppercase())
                && next.is_some_and(|n| n.is_ascii_lowercase());
            if after_lower || ends_acronym {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_acronyms() {
        assert_eq!(snake_case("idDokumenPengajuan"), "id_dokumen_pengajuan");
        assert_eq!(snake_case("idPOFinanceCompany"), "id_po_finance_company");
        assert_eq!(snake_case("noSAForm"), "no_sa_form");
        assert_eq!(snake_case("idSPK"), "id_spk");
        assert_eq!(snake_case("jumlahDP"), "jumlah_dp");
        assert_eq!(snake_case("waktuPKB"), "waktu_pkb");
        assert_eq!(snake_case("idPIT"), "id_pit");
        assert_eq!(snake_case("noPO"), "no_po");
        assert_eq!(snake_case("noBukuClaimC2"), "no_buku_claim_c2");
        assert_eq!(snake_case("hondaIdSA"), "honda_id_sa");
    }
}
