//! macros
use proc_macro::TokenStream;
/// x
#[proc_macro_attribute]
pub fn job_type(_a: TokenStream, i: TokenStream) -> TokenStream { i }
