//! placeholder (being written)
use proc_macro2::TokenStream;
/// Lowers an `async fn`.
pub fn desugar(_attr: TokenStream, item: TokenStream) -> TokenStream { item }
/// Lowers a generator.
pub fn generator(_attr: TokenStream, _item: TokenStream) -> TokenStream {
    quote::quote!(compile_error!("`#[longhand::generator]` is not implemented yet");)
}
