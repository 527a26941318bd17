//! A `for` loop that suspends, desugared as rustc desugars it, so that its
//! iterator is an ordinary local that can be stored across the suspension.

use super::*;

pub(super) struct DesugarFor {
    pub(super) next: usize,
}

impl VisitMut for DesugarFor {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::ForLoop(f) = e
            && crate::awaits::block_contains_await(&f.body)
        {
            // Each loop's iterator gets its own name: nested loops keep both.
            let iter = crate::names::numbered("__iter", &mut self.next);
            let pat = &f.pat;
            let head = &f.expr;
            let body = &f.body;
            let label = &f.label;
            let attrs = &f.attrs;
            // The loop is the user's `for`, for messages and docs.
            let loop_token = syn::Token![loop](f.for_token.span);
            *e = parse_quote! {
                #(#attrs)*
                match ::core::iter::IntoIterator::into_iter(#head) {
                    mut #iter => #label #loop_token {
                        match ::core::iter::Iterator::next(&mut #iter) {
                            ::core::option::Option::None => break,
                            ::core::option::Option::Some(#pat) => #body,
                        }
                    }
                }
            };
        }
        visit_mut::visit_expr_mut(self, e);
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
