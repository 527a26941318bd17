//! Macros that return from the function: anyhow's and eyre's `bail!` and
//! `ensure!` (and a user's own of those names), which expand to `return
//! Err(..)`.
//!
//! longhand leaves the body's `return`s through a labeled block, but cannot
//! see a `return` that a macro expands to: it would stay a `return` from the
//! poll function, whose type is `Poll<T>` (E0308). So such a call runs in a
//! closure called where it stands, the closure's `return` is the macro's,
//! and the error it returns is returned by the body's own `return`:
//!
//! ```text
//! ensure!(n > 0, "zero");
//! // becomes
//! match (|| -> Result<(), _> { ensure!(n > 0, "zero"); Ok(()) })() {
//!     Ok(()) => {}
//!     Err(e) => return Err(e),
//! }
//! // and `bail!(..)`, which never falls through, has type `!`:
//! match (|| -> Result<Infallible, _> { bail!(..) })() { Err(e) => return Err(e), Ok(n) => match n {} }
//! ```
//!
//! Runs after the `.await`s in the macro's arguments are hoisted out of it
//! (`normalize`): a closure cannot await. (`validate` refuses an `.await`
//! in the part of `ensure!` that runs only when the condition fails.)

use proc_macro2::Span;
use quote::quote_spanned;
use syn::Expr;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};

/// Runs each returning macro call of the body in a closure (see above).
pub fn wrap(block: &mut syn::Block) {
    Wrap.visit_block_mut(block);
}

struct Wrap;

impl VisitMut for Wrap {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        let Expr::Macro(m) = e else { return };
        // By name: the macros that return from the function.
        let bail = match crate::macro_args::name(&m.mac).as_str() {
            "bail" => true,
            "ensure" => false,
            _ => return,
        };
        let span = Span::mixed_site().located_at(m.mac.span());
        let err = crate::names::hidden("__lh_err");
        let never = crate::names::hidden("__lh_never");
        let call = &*m;
        let result = quote_spanned!(span=> ::core::result::Result);
        let wrapped = if bail {
            quote_spanned! {span=>
                match (|| -> #result<::core::convert::Infallible, _> { #call })() {
                    #result::Err(#err) => return #result::Err(#err),
                    #result::Ok(#never) => match #never {},
                }
            }
        } else {
            quote_spanned! {span=>
                match (|| -> #result<(), _> { #call; #result::Ok(()) })() {
                    #result::Ok(()) => {}
                    #result::Err(#err) => return #result::Err(#err),
                }
            }
        };
        *e = crate::splice::expr(wrapped, Vec::new());
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
