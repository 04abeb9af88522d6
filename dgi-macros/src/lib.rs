//! The `#[job_type]` attribute of the `dgi` SDK.
//!
//! Use it through `dgi` (or `dgi_core`), which re-exports it; see
//! [`macro@job_type`].

mod expand;
mod parse;

use proc_macro::TokenStream;
use quote::quote;

/// Registers a DGI job type: put it on the struct that implements
/// `JobType`, `DummySource` and `Default`.
///
/// ```
/// use dgi_core::{DummySource, Field, JobType, Schema, Window, job_type};
/// use serde_json::Value as Json;
///
/// /// Handle Leasing Requirement: one record per leasing application.
/// #[job_type(code = "leasing", label = "Handle Leasing Requirement", endpoint = "/lsng/read")]
/// #[derive(Debug, Default)]
/// pub struct Leasing;
///
/// const SCHEMA: Schema = Schema {
///     key: "idDokumenPengajuan",
///     fields: &[Field::text("idDokumenPengajuan"), Field::decimal("jumlahDP")],
///     children: &[],
///     filters: &[],
/// };
///
/// impl JobType for Leasing {
///     fn schema(&self) -> &'static Schema {
///         &SCHEMA
///     }
/// }
///
/// impl DummySource for Leasing {
///     fn generate(&self, _dealer_id: &str, _window: &Window) -> Vec<Json> {
///         Vec::new()
///     }
/// }
///
/// # fn main() -> dgi_core::Result<()> {
/// let leasing = dgi_core::Registry::global()?.get("leasing")?;
/// assert_eq!(leasing.meta.endpoint, "/lsng/read");
/// # Ok(())
/// # }
/// ```
///
/// # Arguments
///
/// - `code = "..."` (required): lower snake case, e.g. `"work_order"`; it
///   also names the table of the records.
/// - `label = "..."` (required): the data type's name for people.
/// - `endpoint = "..."` (required): the path below the base URL, starting
///   with `/`.
/// - `icon = "..."` (optional): an icon name for user interfaces.
/// - `crate = "..."` (optional): the path to `dgi` (or `dgi_core`) when it
///   cannot be found from `Cargo.toml`, e.g. when it is renamed inside the
///   crate. By default the attribute uses `::dgi` if the crate depends on
///   `dgi`, else `::dgi_core`.
///
/// The struct is emitted unchanged, followed by its registration, which
/// `Registry::global` collects from every linked crate. The struct must not
/// be generic.
///
/// Mistakes in the arguments are compile errors at the offending tokens,
/// all reported at once; a struct lacking `JobType`, `DummySource` or
/// `Default` is a compile error at its name.
#[proc_macro_attribute]
pub fn job_type(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let expanded =
        parse::parse(args.into(), item.clone()).and_then(|input| expand::expand(&input, &item));
    match expanded {
        Ok(tokens) => tokens.into(),
        Err(err) => {
            // Keep the item, so that the rest of the crate still resolves it.
            let err = err.to_compile_error();
            quote!(#item #err).into()
        }
    }
}
