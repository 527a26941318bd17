//! Bindings: every name a pattern introduces in the body.
//!
//! Normalisation tags each binding identifier of the body with a numeric id
//! (an attribute `#[__lh_bind(N)]` on the `PatIdent`), so that the liveness
//! analysis, the resume builder and the emitter agree on which binding is
//! which even where the user shadows names. The tags are removed before any
//! code is emitted.

use proc_macro2::Ident;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Pat, PatIdent, parse_quote};

/// One binding introduced by a pattern, in the order the pattern binds it.
#[derive(Clone, Debug)]
pub struct Binding {
    /// Its id, unique in the function.
    pub id: usize,
    /// The name as the user wrote it (with the user's span).
    pub ident: Ident,
    /// `mut x`.
    pub mutable: bool,
    /// `ref x` / `ref mut x`.
    pub by_ref: bool,
}

const TAG: &str = "__lh_bind";
const REF: &str = "__lh_ref";

/// Tags a path expression with a reference number.
pub fn tag_ref(attrs: &mut Vec<Attribute>, k: usize) {
    attrs.push(parse_quote!(#[__lh_ref(#k)]));
}

/// Reads the number of a tag attribute `#[name(N)]` this crate added.
pub fn tag_number(attrs: &[Attribute], name: &str) -> Option<usize> {
    attrs
        .iter()
        .find(|a| a.path().is_ident(name))
        .and_then(|a| {
            a.parse_args::<syn::LitInt>()
                .ok()
                .and_then(|l| l.base10_parse().ok())
        })
}

/// Reads a path expression's reference number.
pub fn ref_tag(attrs: &[Attribute]) -> Option<usize> {
    tag_number(attrs, REF)
}

/// Does this identifier pattern bind a name? `None` or `MAX` (no `mut`,
/// no `ref`, no sub-pattern, starting with an upper-case letter) are taken as
/// constants or unit variants, as rustc's naming conventions have it.
pub fn binds(p: &PatIdent) -> bool {
    if p.by_ref.is_some() || p.mutability.is_some() || p.subpat.is_some() {
        return true;
    }
    let name = p.ident.to_string();
    !name
        .trim_start_matches("r#")
        .starts_with(|c: char| c.is_uppercase())
}

/// Tags a binding identifier with id `id`, replacing any id it had.
pub fn set_tag(p: &mut PatIdent, id: usize) {
    p.attrs.retain(|a| !a.path().is_ident(TAG));
    p.attrs.push(parse_quote!(#[__lh_bind(#id)]));
}

/// Reads the id tag of a binding identifier.
pub fn tag_of(p: &PatIdent) -> Option<usize> {
    tag_number(&p.attrs, TAG)
}

/// Tags every binding identifier in `pat` with a fresh id from `next`; the
/// alternatives of an or-pattern bind the same names, with the same ids.
pub fn tag_pattern(pat: &mut Pat, next: &mut usize) {
    tag_fresh(pat, next);
    SameInAlternatives.visit_pat_mut(pat);
}

/// Gives each binding of an or-pattern's later alternatives the id of the
/// first alternative's binding of the same name.
struct SameInAlternatives;

impl VisitMut for SameInAlternatives {
    fn visit_pat_or_mut(&mut self, p: &mut syn::PatOr) {
        syn::visit_mut::visit_pat_or_mut(self, p);
        let Some(first) = p.cases.first() else {
            return;
        };
        let ids: std::collections::HashMap<String, usize> = bindings_of(first)
            .into_iter()
            .map(|b| (b.ident.to_string(), b.id))
            .collect();
        struct Retag<'a>(&'a std::collections::HashMap<String, usize>);
        impl VisitMut for Retag<'_> {
            fn visit_pat_ident_mut(&mut self, p: &mut PatIdent) {
                if let Some(id) = self.0.get(&p.ident.to_string())
                    && tag_of(p).is_some()
                {
                    set_tag(p, *id);
                }
                syn::visit_mut::visit_pat_ident_mut(self, p);
            }
            fn visit_expr_mut(&mut self, _: &mut syn::Expr) {}
        }
        for case in p.cases.iter_mut().skip(1) {
            Retag(&ids).visit_pat_mut(case);
        }
    }
    fn visit_expr_mut(&mut self, _: &mut syn::Expr) {}
}

/// Gives every binding of `pat` a fresh id, replacing any it had.
pub fn retag_pattern(pat: &mut Pat, next: &mut usize) {
    StripTags.visit_pat_mut(pat);
    tag_pattern(pat, next);
}

fn tag_fresh(pat: &mut Pat, next: &mut usize) {
    struct Tagger<'a>(&'a mut usize);
    impl VisitMut for Tagger<'_> {
        fn visit_pat_ident_mut(&mut self, p: &mut PatIdent) {
            if binds(p) && tag_of(p).is_none() {
                set_tag(p, *self.0);
                *self.0 += 1;
            }
            syn::visit_mut::visit_pat_ident_mut(self, p);
        }
        // Expressions inside patterns (const blocks, ranges) bind nothing.
        fn visit_expr_mut(&mut self, _: &mut syn::Expr) {}
    }
    Tagger(next).visit_pat_mut(pat);
}

/// The names a pattern binds, tagged or not (a closure's parameters, a
/// `let` inside a closure).
pub fn pattern_names(pat: &Pat) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'a> syn::visit::Visit<'a> for Names {
        fn visit_pat_ident(&mut self, p: &'a PatIdent) {
            self.0.push(p.ident.to_string());
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'a syn::Expr) {}
    }
    let mut n = Names(Vec::new());
    syn::visit::Visit::visit_pat(&mut n, pat);
    n.0
}

/// The tagged bindings of `pat`, in binding order.
pub fn bindings_of(pat: &Pat) -> Vec<Binding> {
    struct Collect(Vec<Binding>);
    impl<'a> syn::visit::Visit<'a> for Collect {
        fn visit_pat_ident(&mut self, p: &'a PatIdent) {
            if let Some(id) = tag_of(p) {
                self.0.push(Binding {
                    id,
                    ident: p.ident.clone(),
                    mutable: p.mutability.is_some(),
                    by_ref: p.by_ref.is_some(),
                });
            }
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'a syn::Expr) {}
        fn visit_pat_or(&mut self, p: &'a syn::PatOr) {
            // Every alternative binds the same names; the first one speaks for all.
            if let Some(first) = p.cases.first() {
                self.visit_pat(first);
            }
        }
    }
    let mut c = Collect(Vec::new());
    syn::visit::Visit::visit_pat(&mut c, pat);
    c.0
}

/// Does the pattern bind anything by reference (`ref x`)?
pub fn binds_by_ref(pat: &Pat) -> bool {
    bindings_of(pat).iter().any(|b| b.by_ref)
}

/// Does `pat` bind anything with `ref` or `ref mut` (tagged or not, so also
/// before bindings are tagged)?
pub fn has_ref_binding(pat: &Pat) -> bool {
    struct Find(bool);
    impl<'a> syn::visit::Visit<'a> for Find {
        fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
            self.0 |= p.by_ref.is_some();
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'a syn::Expr) {}
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_pat(&mut find, pat);
    find.0
}

/// Matched against a reference (`if let Err(e) = &res`), does `pat` bind
/// only references? Default binding modes make its bindings `ref` (`e` is
/// a `&E`; a binding at the top binds the reference itself), unless a `&`
/// pattern takes the reference apart or a `mut` binding below the top
/// resets the mode (edition 2021): those copy out. (A binding at the top,
/// `mut r` too, binds the reference.)
pub fn binds_only_references(pat: &Pat) -> bool {
    if let Pat::Ident(p) = pat
        && p.subpat.is_none()
    {
        return true;
    }
    struct Find(bool);
    impl<'a> syn::visit::Visit<'a> for Find {
        fn visit_pat_reference(&mut self, _: &'a syn::PatReference) {
            self.0 = false;
        }
        fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
            self.0 &= p.mutability.is_none() || p.by_ref.is_some();
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'a syn::Expr) {}
    }
    let mut find = Find(true);
    syn::visit::Visit::visit_pat(&mut find, pat);
    find.0
}

/// What a pattern's bindings and wildcards are, read from syntax (tagged
/// or not, so also before bindings are tagged).
#[derive(Default)]
struct PatternKinds {
    by_ref: bool,
    by_value: bool,
    wild: bool,
}

impl PatternKinds {
    fn of(pat: &Pat) -> PatternKinds {
        let mut kinds = PatternKinds::default();
        syn::visit::Visit::visit_pat(&mut kinds, pat);
        kinds
    }
}

impl<'a> syn::visit::Visit<'a> for PatternKinds {
    fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
        if p.by_ref.is_some() {
            self.by_ref = true;
        } else if binds(p) {
            self.by_value = true;
        }
        syn::visit::visit_pat_ident(self, p);
    }
    fn visit_pat_wild(&mut self, _: &'a syn::PatWild) {
        self.wild = true;
    }
    fn visit_pat_rest(&mut self, _: &'a syn::PatRest) {
        self.wild = true;
    }
    fn visit_pat_struct(&mut self, p: &'a syn::PatStruct) {
        self.wild |= p.rest.is_some();
        syn::visit::visit_pat_struct(self, p);
    }
    fn visit_expr(&mut self, _: &'a syn::Expr) {}
}

/// Does matching `pat` leave (part of) the value where it is, for as long
/// as the arm runs: a binding by reference (`Some(ref d)`), or a wildcard
/// (`_`, `..`) with no binding by value (`Some(_)`, `(_, ..)`)? Tagged or
/// not (also before bindings are tagged). A pattern that also moves a part
/// out would leave a partly moved value, which cannot be kept.
pub fn leaves_value_in_place(pat: &Pat) -> bool {
    let kinds = PatternKinds::of(pat);
    kinds.by_ref || (kinds.wild && !kinds.by_value)
}

/// Can matching `pat` move anything out of the scrutinee (a binding by
/// value, `Some(x)`, `x @ ..`, `mut x`), as opposed to literals, paths,
/// wildcards and `ref` bindings? Tagged or not.
pub fn may_move_out(pat: &Pat) -> bool {
    PatternKinds::of(pat).by_value
}

/// Does the pattern bind anything by value (so matching moves from the scrutinee)?
pub fn binds_by_value(pat: &Pat) -> bool {
    bindings_of(pat).iter().any(|b| !b.by_ref)
}

/// A visitor that removes the tags this crate adds.
pub struct StripTags;

impl VisitMut for StripTags {
    fn visit_expr_path_mut(&mut self, e: &mut syn::ExprPath) {
        e.attrs.retain(|a| !a.path().is_ident(REF));
    }
    fn visit_pat_ident_mut(&mut self, p: &mut PatIdent) {
        p.attrs.retain(|a| !a.path().is_ident(TAG));
        syn::visit_mut::visit_pat_ident_mut(self, p);
    }
    fn visit_expr_await_mut(&mut self, e: &mut syn::ExprAwait) {
        e.attrs
            .retain(|a| !a.path().is_ident(crate::awaits::TAG) && !a.path().is_ident("__lh_text"));
        syn::visit_mut::visit_expr_await_mut(self, e);
    }
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        crate::macro_args::edit(m, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::binds_only_references;
    use syn::Pat;

    fn pat(s: &str) -> Pat {
        syn::parse::Parser::parse_str(Pat::parse_multi, s).unwrap()
    }

    #[test]
    fn default_binding_modes_bind_references() {
        for p in [
            "Err(e)",
            "(a, Some(b))",
            "x",
            "mut r",
            "Foo { a, ref b, .. }",
            "v @ Some(_)",
        ] {
            assert!(binds_only_references(&pat(p)), "{p}");
        }
    }

    #[test]
    fn reference_patterns_and_mut_bindings_copy_out() {
        for p in ["&(k, ref d)", "Some(&n)", "Some(mut n)", "(a, &mut b)"] {
            assert!(!binds_only_references(&pat(p)), "{p}");
        }
        assert!(binds_only_references(&pat("Some(ref mut n)")));
    }
}
