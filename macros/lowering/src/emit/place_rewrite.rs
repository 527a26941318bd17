//! Inside an awaitee's operand, a kept value is used where it waits, in
//! the pinned variant (`read(&mut buf)` becomes `read(&mut (*place))`), so
//! that the awaitee may borrow it across the suspension.

use super::*;

/// Rewrites uses of kept values inside an awaitee's operand into their
/// places in the pinned variant: `read(&mut buf)` -> `read(&mut (*place))`.
pub(super) struct PlaceRewrite<'a> {
    pub(super) places: &'a HashMap<String, (Ident, Ident)>,
    pub(super) used: Vec<(Ident, Ident)>,
    pub(super) shadowed: Vec<String>,
}

impl VisitMut for PlaceRewrite<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Path(p) = e
            && p.qself.is_none()
            && p.path.segments.len() == 1
        {
            let name = p.path.segments[0].ident.to_string();
            if !self.shadowed.contains(&name)
                && let Some((place, field)) = self.places.get(&name)
            {
                if !self.used.iter().any(|(p, _)| p == place) {
                    self.used.push((place.clone(), field.clone()));
                }
                // With the user's span: an error about the place (a method
                // taking `self` by value) points at the user's local.
                let at = place.span().located_at(p.path.span());
                let place = crate::names::ident(&place.to_string(), at);
                *e = syn::parse_quote_spanned!(at=> (*#place));
                return;
            }
        }
        if let Expr::Closure(c) = e {
            let before = self.shadowed.len();
            for p in &c.inputs {
                self.shadowed.extend(crate::bindings::pattern_names(p));
            }
            self.visit_expr_mut(&mut c.body);
            self.shadowed.truncate(before);
            return;
        }
        visit_mut::visit_expr_mut(self, e);
        crate::macro_aliases::give_back(e, |name, _| {
            let key = name.to_string();
            if self.shadowed.contains(&key) || !self.places.contains_key(&key) {
                return None;
            }
            let mut value: Expr = parse_quote!(#name);
            self.visit_expr_mut(&mut value);
            Some(value)
        });
    }

    // A `let` inside the operand (in a block or a closure's body) shadows
    // a kept value of the same name until the end of its block:
    // `call(|| { let name = name.clone(); async move { name.len() } })`.
    fn visit_block_mut(&mut self, b: &mut Block) {
        let before = self.shadowed.len();
        for s in &mut b.stmts {
            self.visit_stmt_mut(s);
            if let syn::Stmt::Local(l) = s {
                self.shadowed.extend(crate::bindings::pattern_names(&l.pat));
            }
        }
        self.shadowed.truncate(before);
    }

    // Both `Expr::Macro` and statement macros come here. (A format
    // string's captures are named arguments by now, see `normalize`.)
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        crate::macro_args::edit(mac, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
}
