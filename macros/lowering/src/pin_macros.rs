//! `pin!` in the body: the value it pins becomes a hidden local that stays in
//! its slot.
//!
//! `let fut = pin!(make());` pins a temporary that rustc extends to the end
//! of the block; `tokio::pin!(fut);` (and `pin_mut!(fut)`) moves the local
//! into the macro's own hidden local and shadows it with the pin. Either way
//! the pinned value is a local nobody can name, that must never move again.
//! A lowered body cannot extend a temporary past a suspension point, and
//! would move an ordinary local into the state there, so both forms are
//! written out:
//!
//! ```text
//! let mut __lh_pin_macro0 = make();
//! let fut = unsafe { Pin::new_unchecked(&mut __lh_pin_macro0) };
//! ```
//!
//! and the analysis pins every `__lh_pin_macroN` local (see
//! `analysis::analyse`): it lives in a slot of the future from its `let` to
//! the end of its scope, which is the guarantee `Pin::new_unchecked` asks
//! for. The drop order is the same as the macros': the pin first, then the
//! value, at the end of the block.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Ident, Stmt, parse_quote};

/// The prefix of the hidden locals this pass declares.
pub const PREFIX: &str = "__lh_pin_macro";

/// Writes out every `pin!` in a `let` and every `tokio::pin!`/`pin_mut!`
/// statement of the body.
pub fn write_out(block: &mut syn::Block) {
    PinMacros { next: 0 }.visit_block_mut(block);
}

struct PinMacros {
    next: usize,
}

impl PinMacros {
    /// `let mut __lh_pin_macroN = value;` and the pin of it, for `let PAT =`.
    fn pinned(&mut self, value: Expr) -> (Stmt, Expr) {
        let hidden = crate::names::numbered(PREFIX, &mut self.next);
        let decl = crate::normalize::let_stmt(hidden.clone(), value);
        // SAFETY (in the template): the hidden local is pinned in a slot of
        // the future (the analysis pins every one) and nothing can name it
        // to move it.
        let pin = parse_quote!(unsafe {
            ::core::pin::Pin::new_unchecked(&mut #hidden)
        });
        (decl, pin)
    }

    /// The statements for `stmt`, if it is one of the macros.
    fn rewrite(&mut self, stmt: &Stmt) -> Option<Vec<Stmt>> {
        match stmt {
            Stmt::Local(l) => {
                let init = l.init.as_ref()?;
                if init.diverge.is_some() {
                    return None;
                }
                let Expr::Macro(m) = &*init.expr else {
                    return None;
                };
                if !is_std_pin(&m.mac.path) {
                    return None;
                }
                let value: Expr = m.mac.parse_body().ok()?;
                let (decl, pin) = self.pinned(value);
                let mut local = l.clone();
                if let Some(i) = &mut local.init {
                    *i.expr = pin;
                }
                Some(vec![decl, Stmt::Local(local)])
            }
            Stmt::Macro(m) if is_shadowing_pin(&m.mac.path) => {
                let names = m
                    .mac
                    .parse_body_with(
                        syn::punctuated::Punctuated::<Ident, syn::Token![,]>::parse_terminated,
                    )
                    .ok()?;
                let mut out = Vec::new();
                for name in names {
                    let (decl, pin) = self.pinned(parse_quote!(#name));
                    out.push(decl);
                    out.push(parse_quote!(let mut #name = #pin;));
                }
                Some(out)
            }
            _ => None,
        }
    }
}

impl VisitMut for PinMacros {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let mut stmts = Vec::with_capacity(b.stmts.len());
        for mut s in std::mem::take(&mut b.stmts) {
            visit_mut::visit_stmt_mut(self, &mut s);
            match self.rewrite(&s) {
                Some(new) => stmts.extend(new),
                None => stmts.push(s),
            }
        }
        b.stmts = stmts;
    }
    // Closures and async blocks are not lowered: their pins stay as written.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `pin!`, `std::pin::pin!`, `core::pin::pin!`: the expression form.
fn is_std_pin(path: &syn::Path) -> bool {
    let names = crate::names::path_names(path);
    names == ["pin"] || names == ["std", "pin", "pin"] || names == ["core", "pin", "pin"]
}

/// `tokio::pin!(a, b)`, `pin_mut!(a)` (futures): the statement form, which
/// shadows each named local with its pin. A bare `pin!(a);` statement is
/// read as tokio's too (std's would pin a temporary and drop it at once).
fn is_shadowing_pin(path: &syn::Path) -> bool {
    let names = crate::names::path_names(path);
    match names.last().map(String::as_str) {
        Some("pin_mut") => true,
        Some("pin") => names.len() == 1 || !is_std_pin(path),
        _ => false,
    }
}
