//! Building code around user code without re-parsing the user code.
//!
//! Normalisation tags bindings with attributes that syn can print but not
//! parse back inside patterns, so user expressions must never go through
//! `parse_quote!`. A template is written with placeholder paths
//! (`__lh_hole0`, `__lh_hole1`, ...), parsed alone, and the user's
//! expressions are put in place of the placeholders in the syntax tree.

use proc_macro2::TokenStream;
use syn::Expr;
use syn::visit_mut::{self, VisitMut};

/// Parses `template` and replaces `__lh_hole{i}` with `holes[i]`.
pub fn expr(template: TokenStream, holes: Vec<Expr>) -> Expr {
    let mut e = match syn::parse2::<Expr>(template) {
        Ok(e) => e,
        Err(err) => Expr::Verbatim(err.to_compile_error()),
    };
    let mut fill = Fill(holes.into_iter().map(Some).collect());
    fill.visit_expr_mut(&mut e);
    e
}

struct Fill(Vec<Option<Expr>>);

impl VisitMut for Fill {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Path(p) = e
            && p.qself.is_none()
            && p.path.segments.len() == 1
        {
            let name = p.path.segments[0].ident.to_string();
            if let Some(i) = name
                .strip_prefix("__lh_hole")
                .and_then(|n| n.parse::<usize>().ok())
                && let Some(hole) = self.0.get_mut(i).and_then(Option::take)
            {
                *e = hole;
                return;
            }
        }
        visit_mut::visit_expr_mut(self, e);
    }
}
