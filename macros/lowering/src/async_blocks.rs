//! `async { .. }.await`: an `async` block awaited where it is written runs
//! as part of the function, so it is lowered as part of it.
//!
//! Awaiting a block on the spot is running its body there: the block's
//! locals live and die inside it, its `.await`s suspend the function, its
//! `return v` and `?` end the block with that value. So
//!
//! ```text
//! let n = async { let a = get(1).await?; Ok(a + 1) }.await;
//! ```
//!
//! becomes a labeled block whose exits are `break`s:
//!
//! ```text
//! let n = '__lh_async0: {
//!     let a = match Try::branch(get(1).await) {
//!         Continue(v) => v,
//!         Break(r) => break '__lh_async0 (FromResidual::from_residual(r)),
//!     };
//!     Ok(a + 1)
//! };
//! ```
//!
//! Its suspension points become the function's own (`SuspendN` variants
//! holding what is live there), rather than one opaque awaitee. That also
//! matters for the lowering: code that two paths reach (after an `if` that
//! awaits on one branch, the top of a loop that awaits) is written out once
//! per path, and two copies of an `async` block are two different types,
//! which one state variant cannot hold.
//!
//! Only a block without `move` is inlined: an `async move` block owns what it
//! captures and drops it when it ends, which a labeled block does not do.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote};

/// Inlines every `async { .. }.await` in `block`.
pub fn inline(block: &mut syn::Block) {
    Inline { next: 0 }.visit_block_mut(block);
}

struct Inline {
    next: usize,
}

/// The `async` block `e` is, without `move`, seen through parentheses.
fn plain_async(e: &mut Expr) -> Option<&mut syn::ExprAsync> {
    match e {
        Expr::Paren(p) => plain_async(&mut p.expr),
        Expr::Group(g) => plain_async(&mut g.expr),
        Expr::Async(a) if a.capture.is_none() => Some(a),
        _ => None,
    }
}

impl VisitMut for Inline {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        let Expr::Await(a) = e else { return };
        let Some(block) = plain_async(&mut a.base) else {
            return;
        };
        if hides_exits(&block.block) {
            return;
        }
        let label = crate::names::hidden_label(&format!("'__lh_async{}", self.next));
        self.next += 1;
        let mut body = block.block.clone();
        Exits { label: &label }.visit_block_mut(&mut body);
        let attrs = std::mem::take(&mut block.attrs);
        *e = Expr::Block(syn::ExprBlock {
            attrs,
            label: Some(syn::Label {
                name: label,
                colon_token: Default::default(),
            }),
            block: body,
        });
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Does the block call a macro that may hide an `.await`, a `return` or a
/// `?` (one whose arguments are not expressions, or `join!` and the like,
/// which is how a lowered `join!` stays one await, see `awaiting_macros`)?
/// Such a block stays an `async` block, where they mean what they meant.
fn hides_exits(block: &syn::Block) -> bool {
    struct Find(bool);
    impl<'a> syn::visit::Visit<'a> for Find {
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            match crate::macro_args::parse(m) {
                Some(args) if crate::awaiting_macros::awaiting(m).is_none() => {
                    args.args.iter().for_each(|a| self.visit_expr(a))
                }
                _ => self.0 = true,
            }
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_block(&mut f, block);
    f.0
}

/// Turns the block's own exits (`return`, `?`) into `break`s to its label;
/// those of closures, other `async` blocks and items inside it are theirs.
struct Exits<'a> {
    label: &'a syn::Lifetime,
}

impl VisitMut for Exits<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        match e {
            Expr::Return(r) => {
                let value = r.expr.take().map_or_else(|| parse_quote!(()), |v| *v);
                *e = crate::exits::return_to(self.label, value);
            }
            Expr::Try(t) => *e = crate::exits::try_to(self.label, (*t.expr).clone()),
            _ => {}
        }
    }
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        crate::macro_args::edit(m, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
