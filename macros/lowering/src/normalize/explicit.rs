//! Surface rewrites that make every use visible: `self` becomes a hidden
//! local, a struct literal's shorthand fields and a format string's implicit
//! captures are written out, and a statement macro becomes an expression
//! statement, so its arguments are operands like any other.

use super::*;

/// The hygienic name `self` is rebound to inside the poll closure.
pub fn self_ident(span: proc_macro2::Span) -> proc_macro2::Ident {
    crate::names::hidden_at("__lh_self", span)
}

/// Rewrites `self` into the hidden local `__lh_self` throughout `block`.
pub fn rename_self(block: &mut syn::Block) {
    RenameSelf.visit_block_mut(block);
}

pub(super) struct RenameSelf;

pub(super) fn rename_self_tokens(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in trees.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "self" => {
                let path_follows =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if path_follows {
                    out.push(tt.clone());
                } else {
                    out.push(TokenTree::Ident(self_ident(id.span())));
                }
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), rename_self_tokens(g.stream()));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            other => out.push(other.clone()),
        }
    }
    out.into_iter().collect()
}

impl VisitMut for RenameSelf {
    fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
        if p.qself.is_none() && p.path.segments.len() == 1 && p.path.segments[0].ident == "self" {
            let span = p.path.segments[0].ident.span();
            p.path.segments[0].ident = self_ident(span);
        }
    }
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        m.tokens = rename_self_tokens(std::mem::take(&mut m.tokens));
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `Summary { ids, total }` becomes `Summary { ids: ids, total: total }`,
/// in expressions and patterns: the value is a use of the local like any
/// other, the binding a binding, which later steps may rewrite (a pinned
/// local's place, a renamed local's hidden name).
pub(super) struct ExplicitFieldInits;

impl ExplicitFieldInits {
    /// A named field written without its colon gets one, which prints the
    /// name before the value.
    fn write_out(colon: &mut Option<syn::Token![:]>, member: &syn::Member) {
        if colon.is_none() && matches!(member, syn::Member::Named(_)) {
            *colon = Some(Default::default());
        }
    }
}

impl VisitMut for ExplicitFieldInits {
    fn visit_field_value_mut(&mut self, f: &mut syn::FieldValue) {
        Self::write_out(&mut f.colon_token, &f.member);
        visit_mut::visit_field_value_mut(self, f);
    }
    // A pattern's too (`let Pair { a, b } = pair;`), whose bindings may be
    // renamed.
    fn visit_field_pat_mut(&mut self, f: &mut syn::FieldPat) {
        Self::write_out(&mut f.colon_token, &f.member);
        visit_mut::visit_field_pat_mut(self, f);
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `println!("{x}")` becomes `println!("{x}", x = x)`, closures and nested
/// macros included: the capture is then a use like any other.
pub(super) struct ExplicitCaptures;

impl VisitMut for ExplicitCaptures {
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        let Some(mut args) = crate::macro_args::parse(m) else {
            return;
        };
        crate::macro_args::make_captures_explicit(m, &mut args);
        args.args.iter_mut().for_each(|a| self.visit_expr_mut(a));
        crate::macro_args::set(m, &args);
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `println!(..);` as a statement becomes an expression statement, so its
/// arguments can be treated as operands.
pub(super) struct MacroStmts;

impl VisitMut for MacroStmts {
    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s {
            let expr = Expr::Macro(syn::ExprMacro {
                attrs: std::mem::take(&mut m.attrs),
                mac: m.mac.clone(),
            });
            *s = Stmt::Expr(expr, m.semi_token);
        }
        visit_mut::visit_stmt_mut(self, s);
    }
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e
            && crate::macro_args::edit(&mut m.mac, |args| {
                args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
            })
        {
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
