//! Reading `#[job_type(...)]`: its arguments and the item it is placed on.
//!
//! Every problem found is kept, so that one compilation reports them all;
//! each error points at the narrowest tokens at fault and says what to write
//! instead.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Item, Lit, LitStr, Path, Token};

/// The keys the attribute accepts, in the order the error messages list them.
const KEYS: &[&str] = &["code", "label", "endpoint", "icon", "crate"];

/// What `#[job_type(...)]` says, checked.
pub(crate) struct Args {
    /// `code = "leasing"`: lower snake case.
    pub(crate) code: LitStr,
    /// `label = "Handle Leasing Requirement"`: not empty.
    pub(crate) label: LitStr,
    /// `endpoint = "/lsng/read"`: starts with `/`.
    pub(crate) endpoint: LitStr,
    /// `icon = "..."`: optional, not empty.
    pub(crate) icon: Option<LitStr>,
    /// `crate = "path"`: optional, the path to `dgi` or `dgi_core`.
    pub(crate) krate: Option<Path>,
}

/// The attribute's arguments and the struct it registers.
pub(crate) struct Input {
    /// The checked arguments.
    pub(crate) args: Args,
    /// The struct's name.
    pub(crate) ident: Ident,
}

/// Reads the attribute's arguments and the item it is placed on, reporting
/// every problem found in either.
pub(crate) fn parse(args: TokenStream, item: TokenStream) -> syn::Result<Input> {
    let mut errors = Errors::default();
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(err) => {
            errors.push(err);
            None
        }
    };
    let ident = match parse_item(item) {
        Ok(ident) => Some(ident),
        Err(err) => {
            errors.push(err);
            None
        }
    };
    errors.finish()?;
    match (args, ident) {
        (Some(args), Some(ident)) => Ok(Input { args, ident }),
        // Without errors both are present; stay total all the same.
        _ => Err(syn::Error::new(
            Span::call_site(),
            "`#[job_type]` could not be read",
        )),
    }
}

/// One `key = value` argument, before any check.
struct RawArg {
    key: Ident,
    eq: Token![=],
    value: Expr,
}

impl Parse for RawArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // `parse_any` also accepts the keyword `crate`.
        let key = Ident::parse_any(input)?;
        let eq = input.parse()?;
        let value = input.parse()?;
        Ok(Self { key, eq, value })
    }
}

impl ToTokens for RawArg {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.key.to_tokens(tokens);
        self.eq.to_tokens(tokens);
        self.value.to_tokens(tokens);
    }
}

/// The keys that must be given.
const REQUIRED: &[&str] = &["code", "label", "endpoint"];

/// The arguments, checked; `Ok(None)` never happens without an error.
fn parse_args(tokens: TokenStream) -> syn::Result<Option<Args>> {
    let raw = Punctuated::<RawArg, Token![,]>::parse_terminated.parse2(tokens.clone())?;

    let mut errors = Errors::default();
    // Keys written, valid or not, and keys a misspelling was taken for: none
    // of them is reported missing as well.
    let mut given: Vec<&'static str> = Vec::new();
    let mut suggested: Vec<&'static str> = Vec::new();
    let mut values: Vec<(&'static str, LitStr)> = Vec::new();
    let mut krate = None;

    // In source order, so that the errors come in the order of the tokens.
    for arg in &raw {
        let written = arg.key.unraw().to_string();
        let Some(&key) = KEYS.iter().find(|k| **k == written) else {
            let (err, suggestion) = unknown_key(&arg.key, &written);
            errors.push(err);
            suggested.extend(suggestion);
            continue;
        };
        if given.contains(&key) {
            errors.push(syn::Error::new_spanned(
                arg,
                format!("`{key}` is given more than once; keep a single `{key} = \"...\"`"),
            ));
            continue;
        }
        given.push(key);
        let lit = match string_literal(&arg.value, key) {
            Ok(lit) => lit,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        if key == "crate" {
            match lit.parse::<Path>() {
                Ok(path) => krate = Some(path),
                Err(_) => errors.push(syn::Error::new_spanned(
                    &lit,
                    "`crate` must be a path to the `dgi` or `dgi_core` crate, e.g. \
                     `crate = \"dgi\"`",
                )),
            }
            continue;
        }
        match check_value(key, &lit) {
            Ok(()) => values.push((key, lit)),
            Err(err) => errors.push(err),
        }
    }

    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|key| !given.contains(key) && !suggested.contains(key))
        .collect();
    if !missing.is_empty() {
        let message = missing_message(&missing);
        errors.push(if tokens.is_empty() {
            syn::Error::new(Span::call_site(), message)
        } else {
            syn::Error::new_spanned(&tokens, message)
        });
    }

    errors.finish()?;
    let mut take = |key: &str| {
        values
            .iter()
            .position(|(k, _)| *k == key)
            .map(|i| values.swap_remove(i).1)
    };
    Ok(match (take("code"), take("label"), take("endpoint")) {
        (Some(code), Some(label), Some(endpoint)) => Some(Args {
            code,
            label,
            endpoint,
            icon: take("icon"),
            krate,
        }),
        _ => None,
    })
}

/// Checks the value of `key`, a string literal.
fn check_value(key: &str, lit: &LitStr) -> syn::Result<()> {
    match key {
        "code" => check_code(lit),
        "label" => check_not_empty(
            lit,
            "`label` must not be empty: write the data type's name for people, e.g. \
             `label = \"Handle Leasing Requirement\"`",
        ),
        "endpoint" => check_endpoint(lit),
        "icon" => check_not_empty(
            lit,
            "`icon` must not be empty: name an icon, e.g. `icon = \"handshake\"`, or leave \
             `icon` out",
        ),
        _ => Ok(()),
    }
}

/// The struct's name, or an error when the item is not a plain struct.
fn parse_item(item: TokenStream) -> syn::Result<Ident> {
    let item: Item = syn::parse2(item)?;
    let Item::Struct(s) = &item else {
        return Err(not_a_struct(&item));
    };
    if s.generics.params.is_empty() && s.generics.where_clause.is_none() {
        return Ok(s.ident.clone());
    }
    let (generics, where_clause) = (&s.generics, &s.generics.where_clause);
    Err(syn::Error::new_spanned(
        quote!(#generics #where_clause),
        "`#[job_type]` registers one concrete type: remove the generic parameters, \
         e.g. `pub struct Leasing;`",
    ))
}

/// "`#[job_type]` goes on a struct", pointing at the item's keyword and name.
fn not_a_struct(item: &Item) -> syn::Error {
    let (kind, tokens) = match item {
        Item::Enum(i) => ("an enum", keyword_and_name(&i.enum_token, &i.ident)),
        Item::Union(i) => ("a union", keyword_and_name(&i.union_token, &i.ident)),
        Item::Fn(i) => (
            "a function",
            keyword_and_name(&i.sig.fn_token, &i.sig.ident),
        ),
        Item::Trait(i) => ("a trait", keyword_and_name(&i.trait_token, &i.ident)),
        Item::TraitAlias(i) => ("a trait alias", keyword_and_name(&i.trait_token, &i.ident)),
        Item::Type(i) => ("a type alias", keyword_and_name(&i.type_token, &i.ident)),
        Item::Const(i) => ("a constant", keyword_and_name(&i.const_token, &i.ident)),
        Item::Static(i) => ("a static", keyword_and_name(&i.static_token, &i.ident)),
        Item::Mod(i) => ("a module", keyword_and_name(&i.mod_token, &i.ident)),
        Item::Impl(i) => {
            let (token, ty) = (&i.impl_token, &i.self_ty);
            ("an impl block", quote!(#token #ty))
        }
        Item::Use(i) => ("a `use` declaration", i.to_token_stream()),
        Item::ExternCrate(i) => ("an `extern crate` declaration", i.to_token_stream()),
        Item::ForeignMod(i) => ("an `extern` block", i.abi.to_token_stream()),
        Item::Macro(i) => ("a macro invocation", i.mac.path.to_token_stream()),
        other => ("this item", other.to_token_stream()),
    };
    syn::Error::new_spanned(
        tokens,
        format!(
            "`#[job_type]` goes on a struct, not on {kind}; put it on the job type's struct, \
             e.g. `pub struct Leasing;`"
        ),
    )
}

fn keyword_and_name(keyword: &impl ToTokens, name: &Ident) -> TokenStream {
    quote!(#keyword #name)
}

/// The value as a string literal, or an error pointing at the value.
fn string_literal(value: &Expr, key: &str) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit),
            attrs,
        }) if attrs.is_empty() => Ok(lit.clone()),
        _ => Err(syn::Error::new_spanned(
            value,
            format!("`{key}` takes a string literal, e.g. `{}`", example(key)),
        )),
    }
}

/// A well-formed `key = "..."` for each key.
fn example(key: &str) -> &'static str {
    match key {
        "code" => "code = \"leasing\"",
        "label" => "label = \"Handle Leasing Requirement\"",
        "endpoint" => "endpoint = \"/lsng/read\"",
        "icon" => "icon = \"handshake\"",
        _ => "crate = \"dgi\"",
    }
}

/// "unknown key", with the key it was probably meant to be.
fn unknown_key(ident: &Ident, key: &str) -> (syn::Error, Option<&'static str>) {
    let accepted: Vec<String> = KEYS.iter().map(|k| format!("`{k}`")).collect();
    let suggestion = KEYS
        .iter()
        .copied()
        .filter(|k| edit_distance(key, k) <= 2)
        .min_by_key(|k| edit_distance(key, k));
    let hint = suggestion
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    let err = syn::Error::new_spanned(
        ident,
        format!(
            "unknown key `{key}` in `#[job_type]`: the keys are {}{hint}",
            list(&accepted)
        ),
    );
    (err, suggestion)
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn missing_message(missing: &[&str]) -> String {
    let names: Vec<String> = missing.iter().map(|key| format!("`{key}`")).collect();
    let examples: Vec<&str> = missing.iter().map(|key| example(key)).collect();
    let (verb, pronoun) = if missing.len() == 1 {
        ("is", "it")
    } else {
        ("are", "them")
    };
    format!(
        "{} {verb} missing in `#[job_type]`: add {pronoun} with this job type's values, \
         e.g. `{}`",
        list(&names),
        examples.join(", ")
    )
}

/// `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`: the code is also the table name.
fn is_lower_snake_case(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && code.split('_').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// `WorkOrder`, `work-order`, `Work Order` -> `work_order`.
fn to_snake_case(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 4);
    let chars: Vec<char> = code.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p));
            let next = chars.get(i + 1);
            let after_lower = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            let ends_acronym = prev.is_some_and(char::is_ascii_uppercase)
                && next.is_some_and(char::is_ascii_lowercase);
            if after_lower || ends_acronym {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out.split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

fn check_code(code: &LitStr) -> syn::Result<()> {
    let value = code.value();
    if is_lower_snake_case(&value) {
        return Ok(());
    }
    let fixed = to_snake_case(&value);
    let suggestion = if is_lower_snake_case(&fixed) {
        fixed
    } else {
        "leasing".to_owned()
    };
    Err(syn::Error::new_spanned(
        code,
        format!(
            "`code` must be lower snake case (letters, digits and single underscores, starting \
             with a letter), as it also names the table: write `code = \"{suggestion}\"`"
        ),
    ))
}

fn check_endpoint(endpoint: &LitStr) -> syn::Result<()> {
    let value = endpoint.value();
    if value.starts_with('/') {
        return Ok(());
    }
    let trimmed = value.trim();
    let suggestion = if trimmed.is_empty() || trimmed.contains("://") {
        "/lsng/read".to_owned()
    } else {
        format!("/{}", trimmed.trim_start_matches('/'))
    };
    Err(syn::Error::new_spanned(
        endpoint,
        format!(
            "`endpoint` is the path below the base URL and must start with `/`: write \
             `endpoint = \"{suggestion}\"`"
        ),
    ))
}

fn check_not_empty(lit: &LitStr, message: &str) -> syn::Result<()> {
    if lit.value().trim().is_empty() {
        return Err(syn::Error::new_spanned(lit, message));
    }
    Ok(())
}

/// Levenshtein distance, for "did you mean" hints on short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != *cb);
            let insert = row[j] + 1;
            let delete = prev[j + 1] + 1;
            row.push(substitute.min(insert).min(delete));
        }
        prev = row;
    }
    prev[b.len()]
}

/// Errors gathered before failing, reported together.
#[derive(Default)]
struct Errors {
    first: Option<syn::Error>,
}

impl Errors {
    fn push(&mut self, err: syn::Error) {
        match &mut self.first {
            Some(first) => first.combine(err),
            None => self.first = Some(err),
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.first.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_snake_case() {
        for ok in ["leasing", "work_order", "h1", "parts_inbound2", "a_1"] {
            assert!(is_lower_snake_case(ok), "{ok}");
        }
        for bad in [
            "",
            "Leasing",
            "work__order",
            "_leasing",
            "leasing_",
            "1a",
            "work-order",
            "a b",
        ] {
            assert!(!is_lower_snake_case(bad), "{bad}");
        }
    }

    #[test]
    fn snake_case_suggestions() {
        assert_eq!(to_snake_case("WorkOrder"), "work_order");
        assert_eq!(to_snake_case("work-order"), "work_order");
        assert_eq!(to_snake_case("Parts  Inbound"), "parts_inbound");
        assert_eq!(to_snake_case("PKBData"), "pkb_data");
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kode", "code"), 1);
        assert_eq!(edit_distance("endpoit", "endpoint"), 1);
        assert_eq!(edit_distance("", "icon"), 4);
    }
}
