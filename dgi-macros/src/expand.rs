//! The code `#[job_type]` generates: the item, unchanged, and its
//! registration with `inventory`.

use proc_macro_crate::{FoundCrate, crate_name};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Ident, LitStr};

use crate::parse::Input;

/// The original `item` followed by the registration of `input`'s struct.
pub(crate) fn expand(input: &Input, item: &TokenStream) -> syn::Result<TokenStream> {
    let args = &input.args;
    let krate = match &args.krate {
        Some(path) => quote!(#path),
        None => resolve_crate()?,
    };
    let code = literal(&args.code);
    let label = literal(&args.label);
    let endpoint = literal(&args.endpoint);
    let icon = match &args.icon {
        Some(icon) => {
            let icon = literal(icon);
            quote!(::core::option::Option::Some(#icon))
        }
        None => quote!(::core::option::Option::None),
    };
    let ident = &input.ident;
    // Spanned at the struct's name, so that a type lacking `JobType`,
    // `DummySource` or `Default` is reported there.
    let build = quote_spanned!(ident.span()=> #krate::__private::boxed::<#ident>);

    Ok(quote! {
        #item

        const _: () = {
            #krate::__private::inventory::submit! {
                #krate::__private::Registration {
                    meta: #krate::__private::JobMeta {
                        code: #code,
                        label: #label,
                        icon: #icon,
                        endpoint: #endpoint,
                    },
                    build: #build,
                }
            }
        };
    })
}

/// The literal's value as a plain string literal, at the literal's span.
fn literal(lit: &LitStr) -> LitStr {
    LitStr::new(&lit.value(), lit.span())
}

/// The path to the crate that has `__private`: `::dgi` when the user's crate
/// depends on the facade, else `::dgi_core`; `crate` inside the library of
/// either.
fn resolve_crate() -> syn::Result<TokenStream> {
    for name in ["dgi", "dgi-core"] {
        match crate_name(name) {
            Ok(FoundCrate::Name(name)) => {
                let ident = Ident::new(&name, Span::call_site());
                return Ok(quote!(::#ident));
            }
            Ok(FoundCrate::Itself) => return Ok(itself(name)),
            Err(_) => {}
        }
    }
    Err(syn::Error::new(
        Span::call_site(),
        "`#[job_type]` needs the `dgi` crate (or `dgi-core`) among this crate's dependencies: \
         add `dgi` to `[dependencies]` in Cargo.toml, or name the path to it with \
         `crate = \"...\"`",
    ))
}

/// The path to `package` from code compiled within that same package:
/// `crate` in its library, `::name` in its binaries and examples, which
/// reach the library as an external crate.
fn itself(package: &str) -> TokenStream {
    let name = package.replace('-', "_");
    // Doctests are crates of their own, though cargo compiles them with the
    // library's crate name; rustdoc marks them with this variable.
    let in_doctest = std::env::var_os("UNSTABLE_RUSTDOC_TEST_PATH").is_some();
    let in_library = !in_doctest
        && std::env::var_os("CARGO_BIN_NAME").is_none()
        && std::env::var("CARGO_CRATE_NAME").map_or(true, |crate_name| crate_name == name);
    if in_library {
        quote!(crate)
    } else {
        let ident = Ident::new(&name, Span::call_site());
        quote!(::#ident)
    }
}
