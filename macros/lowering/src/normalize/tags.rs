//! Tags: every binding gets an id and every use of a name a reference tag,
//! which the liveness analysis and the pinning rewrite resolve.

use super::*;

pub(super) struct TagBindings {
    pub(super) next: usize,
    /// Inside a closure or async block: its references are tagged (they may
    /// name a pinned local) but its own bindings are not the function's.
    pub(super) nested: usize,
}

impl TagBindings {
    /// A call whose arguments cannot be read is tagged with the names its
    /// tokens use (see `macro_aliases`); one whose arguments are
    /// expressions has them tagged as code.
    fn tag_uses(&mut self, attrs: &mut Vec<syn::Attribute>, mac: &mut syn::Macro) {
        if crate::macro_args::never_evaluated(mac) {
            return;
        }
        // The arguments that are expressions are tagged as such; the tokens
        // that are not (all of them, or a pattern's guard) by name.
        let unread = match crate::macro_args::parse(mac) {
            Some(args) => {
                let rest = args.rest().clone();
                self.visit_macro_mut(mac);
                rest
            }
            None => mac.tokens.clone(),
        };
        for name in crate::macro_args::token_names(&unread) {
            crate::macro_aliases::tag(attrs, &name, self.next);
            self.next += 1;
        }
    }
}

impl VisitMut for TagBindings {
    fn visit_pat_mut(&mut self, p: &mut syn::Pat) {
        if self.nested == 0 {
            tag_pattern(p, &mut self.next);
        }
    }
    fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
        self.nested += 1;
        visit_mut::visit_expr_closure_mut(self, c);
        self.nested -= 1;
    }
    fn visit_expr_async_mut(&mut self, a: &mut syn::ExprAsync) {
        self.nested += 1;
        visit_mut::visit_expr_async_mut(self, a);
        self.nested -= 1;
    }
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        // A macro's arguments, when they are expressions, name locals too
        // (`println!("{}", list.len())`): tagged, they are rewritten like
        // any other use (pinned, renamed).
        crate::macro_args::edit(m, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
    fn visit_expr_macro_mut(&mut self, m: &mut syn::ExprMacro) {
        self.tag_uses(&mut m.attrs, &mut m.mac);
    }
    fn visit_stmt_macro_mut(&mut self, m: &mut syn::StmtMacro) {
        self.tag_uses(&mut m.attrs, &mut m.mac);
    }
    fn visit_expr_path_mut(&mut self, e: &mut syn::ExprPath) {
        // Every single-name path gets a reference tag, so that a rename can
        // find exactly the references the resolver attributed to a binding.
        if e.qself.is_none() && e.path.segments.len() == 1 {
            crate::bindings::tag_ref(&mut e.attrs, self.next);
            self.next += 1;
        }
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
