//! `match` guards that await: the arm is chosen first, then matched.
//!
//! rustc tests a `match`'s arms in order; for an arm with a guard, it binds
//! the pattern's bindings by shared reference to the matched place (a guard
//! that fails must move nothing), runs the guard, and only when the guard
//! holds binds them for real and runs the arm. A guard that awaits would
//! leave the lowering suspended half-way through that decision, which it
//! cannot resume. So the decision is taken first, in ordinary code, and the
//! `match` then only follows it:
//!
//! ```text
//! match req {                                 {
//!     Req::Get(k) if k.is_empty() => A,           let __lh_arm0: usize = '__lh_guards0: {
//!     Req::Get(k) if allowed(&k).await => B,          if let Some((k,)) = '__lh_peek0: {
//!     other => C,                                         match *&req {
//! }                                                           Req::Get(k) if { break '__lh_peek0
//!                                                                 Some((GuardBinding(&k).hold(),)) } => {}
//!                                                             _ => {}
//!                                                         }
//!                                                         None
//!                                                     } { if (*k).is_empty() { break '__lh_guards0 0 } }
//!                                                     if let Some((k,)) = /* the same peek */ {
//!                                                         if allowed(&(*k)).await { break '__lh_guards0 1 }
//!                                                     }
//!                                                     2
//!                                                 };
//!                                                 match req {
//!                                                     Req::Get(k) if __lh_arm0 == 0 => A,
//!                                                     Req::Get(k) if __lh_arm0 == 1 => B,
//!                                                     other => C,
//!                                                 }
//!                                             }
//! ```
//!
//! The peek matches the arm's own pattern against the scrutinee's place
//! behind a shared reference; its guard leaves at once with a reference to
//! each binding's place (`GuardBinding::hold`, see the runtime), so no arm is
//! ever taken and nothing moves. The guard then reads `(*k)` wherever it
//! named `k`, which is what rustc's guard reads. Guards run in rustc's
//! order, each only when its pattern matched; an arm without a guard that
//! matches ends the choice. Arms after the last guard that awaits are left
//! as they are (their guards run in the final `match`, after the choice,
//! which is rustc's order too).
//!
//! A scrutinee that is not a place is evaluated once, into a binding of an
//! outer `match` (so its temporaries still live to the end of the
//! statement). A guard only reads: a `ref mut` binding is peeked as `ref`,
//! and a `&mut` scrutinee through a shared reborrow (`&*s`), as rustc's
//! guard sees them through a shared reference. `matches!(x, P if g.await)`
//! is written out as the `match` it stands for first.

use crate::awaits::contains_await;
use crate::names::{hidden, hidden_at, hidden_label};
use proc_macro2::Ident;
use std::collections::HashMap;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote};

/// Writes out every `matches!` whose guard awaits as the `match` it stands
/// for, so that the guard's `.await` is seen (and described) like any other.
pub fn spell_out_matches(block: &mut syn::Block) {
    struct Spell;
    impl VisitMut for Spell {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            if let Expr::Macro(m) = e
                && let Some(lowered) = matches_as_match(&m.mac)
            {
                *e = lowered;
            }
            match e {
                Expr::Closure(_) => {}
                _ => visit_mut::visit_expr_mut(self, e),
            }
        }
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    Spell.visit_block_mut(block);
}

/// `matches!(e, P if g)` as `match e { P if g => true, _ => false }`, when
/// `g` awaits.
pub fn matches_as_match(mac: &syn::Macro) -> Option<Expr> {
    if crate::macro_args::name(mac) != "matches" {
        return None;
    }
    let rest = crate::macro_args::pattern_and_guard(mac)?;
    if !crate::validate::tokens_contain_await(&rest) {
        return None;
    }
    let args = crate::macro_args::parse(mac)?;
    let scrutinee = args.args.first()?;
    let mut rest: Vec<_> = rest.into_iter().collect();
    if matches!(rest.last(), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == ',') {
        rest.pop();
    }
    let rest: proc_macro2::TokenStream = rest.into_iter().collect();
    syn::parse2(quote::quote!(match #scrutinee { #rest => true, _ => false })).ok()
}

/// The prefix of a guard's held binding: `k` is held as `__lh_held_k`.
const HELD: &str = "__lh_held_";

/// The user's name of a guard's held binding (`__lh_held_k` is `k`), for
/// the state docs.
pub fn held_binding(name: &str) -> Option<&str> {
    name.strip_prefix(HELD)
}

/// Lowers every `match` of `block` with a guard that awaits (outside
/// closures and items).
pub fn split(block: &mut syn::Block) {
    Split { next: 0 }.visit_block_mut(block);
}

struct Split {
    next: usize,
}

impl VisitMut for Split {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Match(m) = e
            && let Some(last) = last_awaiting_guard(m)
        {
            *e = self.lower(m, last);
        }
        match e {
            Expr::Closure(_) => {}
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// The index of the last arm of `m` whose guard awaits.
pub fn last_awaiting_guard(m: &syn::ExprMatch) -> Option<usize> {
    m.arms
        .iter()
        .rposition(|a| a.guard.as_ref().is_some_and(|(_, g)| contains_await(g)))
}

impl Split {
    fn lower(&mut self, m: &syn::ExprMatch, last: usize) -> Expr {
        let n = self.next;
        self.next += 1;
        let chosen = hidden(&format!("__lh_arm{n}"));
        let choose = hidden_label(&format!("'__lh_guards{n}"));
        let peek = hidden_label(&format!("'__lh_peek{n}"));
        let scrutinee = hidden(&format!("__lh_scrutinee{n}"));
        // The place the arms are matched against, and the value it is
        // first bound from when the scrutinee is not a place.
        let (value, place): (Option<&Expr>, Expr) = match &*m.expr {
            e if place(e) => (None, e.clone()),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                (Some(&*u.expr), parse_quote!(*#scrutinee))
            }
            e => (Some(e), parse_quote!(#scrutinee)),
        };
        // What the peeks match: the place behind a shared reference; a
        // `&mut` scrutinee reborrowed shared, so that its bindings are
        // shared references too (a guard only reads them).
        let peeked: Expr = match &*m.expr {
            Expr::Reference(r) if r.mutability.is_some() => parse_quote!(&*#scrutinee),
            _ => parse_quote!(*&#place),
        };
        let mut steps: Vec<syn::Stmt> = Vec::new();
        for (i, arm) in m.arms[..=last].iter().enumerate() {
            let pat = &shared(&arm.pat);
            let Some((_, guard)) = &arm.guard else {
                steps.push(parse_quote! {
                    match #peeked {
                        #pat if { break #choose #i } => {}
                        _ => {}
                    }
                });
                continue;
            };
            let names = binding_names(pat);
            let held: Vec<Ident> = names
                .iter()
                .map(|n| {
                    hidden_at(
                        &format!("{HELD}{}", n.to_string().trim_start_matches("r#")),
                        n.span(),
                    )
                })
                .collect();
            let mut guard = (**guard).clone();
            ReadHeld {
                active: names
                    .iter()
                    .map(|n| n.to_string())
                    .zip(held.iter().cloned())
                    .collect(),
            }
            .visit_expr_mut(&mut guard);
            // The guard goes in as syntax, not as tokens to parse back: a
            // guard may hold a struct literal (`if f(S {}).await`), which
            // an `if` condition reads differently.
            let step = crate::splice::expr(
                quote::quote! {
                    if let ::core::option::Option::Some((#(#held,)*)) = (#peek: {
                        match #peeked {
                            #pat if {
                                break #peek (::core::option::Option::Some((#({
                                    #[allow(unused_imports)]
                                    use ::longhand::__private::HoldByRef as _;
                                    ::longhand::__private::GuardBinding(&#names).hold()
                                },)*)))
                            } => {}
                            _ => {}
                        }
                        ::core::option::Option::None
                    }) {
                        if __lh_hole0 {
                            break #choose #i;
                        }
                    }
                },
                vec![guard],
            );
            steps.push(syn::Stmt::Expr(step, None));
        }
        let none = last + 1;
        let arms = m.arms.iter().enumerate().map(|(i, arm)| {
            let mut arm = arm.clone();
            if i <= last
                && let Some((_, guard)) = &mut arm.guard
            {
                **guard = parse_quote!(#chosen == #i);
            }
            arm
        });
        let attrs = &m.attrs;
        let lowered: Expr = parse_quote! {
            {
                let #chosen: usize = #choose: {
                    #(#steps)*
                    #none
                };
                match #place {
                    #(#arms)*
                }
            }
        };
        match value {
            None => parse_quote!(#(#attrs)* #lowered),
            Some(value) => parse_quote! {
                #(#attrs)* match #value {
                    #scrutinee => #lowered
                }
            },
        }
    }
}

/// Is `e` a place whose evaluation has no effect (`x`, `self.state`,
/// `*r`, `v[i]`), so that it can be matched twice?
fn place(e: &Expr) -> bool {
    match e {
        Expr::Path(p) => p.qself.is_none(),
        Expr::Field(f) => place(&f.base),
        Expr::Index(i) => place(&i.expr) && matches!(&*i.index, Expr::Lit(_) | Expr::Path(_)),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => place(&u.expr),
        Expr::Paren(p) => place(&p.expr),
        Expr::Group(g) => place(&g.expr),
        _ => false,
    }
}

/// `pat` with its `ref mut` bindings made `ref`: a guard reads a `ref mut`
/// binding only through a shared reference, and the peek matches a place
/// behind one.
fn shared(pat: &syn::Pat) -> syn::Pat {
    struct Shared;
    impl VisitMut for Shared {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            if p.by_ref.is_some() {
                p.mutability = None;
            }
            visit_mut::visit_pat_ident_mut(self, p);
        }
        fn visit_expr_mut(&mut self, _: &mut Expr) {}
    }
    let mut pat = pat.clone();
    Shared.visit_pat_mut(&mut pat);
    pat
}

/// The names `pat` binds, once each (the alternatives of an or-pattern bind
/// the same ones), in order.
fn binding_names(pat: &syn::Pat) -> Vec<Ident> {
    struct Names(Vec<Ident>);
    impl<'a> syn::visit::Visit<'a> for Names {
        fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
            if crate::bindings::binds(p) && !self.0.contains(&p.ident) {
                self.0.push(p.ident.clone());
            }
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'a Expr) {}
    }
    let mut names = Names(Vec::new());
    syn::visit::Visit::visit_pat(&mut names, pat);
    names.0
}

/// Rewrites a guard's reads of its arm's bindings into reads of the held
/// places: `k` becomes `(*__lh_held_k)`, except where a closure
/// parameter, a `let` or a nested pattern binds the name again.
struct ReadHeld {
    active: HashMap<String, Ident>,
}

impl ReadHeld {
    /// Runs `f` with the names `pat` binds no longer read as held.
    fn shadowed(&mut self, pats: &[&syn::Pat], f: impl FnOnce(&mut Self)) {
        let saved = self.active.clone();
        for pat in pats {
            for name in crate::bindings::pattern_names(pat) {
                self.active.remove(&name);
            }
        }
        f(self);
        self.active = saved;
    }
}

impl VisitMut for ReadHeld {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                if let Some(held) = self.active.get(&name) {
                    *e = parse_quote!((*#held));
                }
            }
            Expr::Closure(c) => {
                let params: Vec<&syn::Pat> = c.inputs.iter().collect();
                let body = &mut c.body;
                self.shadowed(&params, |s| s.visit_expr_mut(body));
            }
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                let (pat, body) = (&*f.pat, &mut f.body);
                self.shadowed(&[pat], |s| s.visit_block_mut(body));
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let pat = arm.pat.clone();
        self.shadowed(&[&pat], |s| {
            if let Some((_, g)) = &mut arm.guard {
                s.visit_expr_mut(g);
            }
            s.visit_expr_mut(&mut arm.body);
        });
    }
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let saved = self.active.clone();
        for stmt in &mut b.stmts {
            self.visit_stmt_mut(stmt);
            if let syn::Stmt::Local(l) = stmt {
                for name in crate::bindings::pattern_names(&l.pat) {
                    self.active.remove(&name);
                }
            }
        }
        self.active = saved;
    }
    // `S { k }` reads `k` too.
    fn visit_field_value_mut(&mut self, f: &mut syn::FieldValue) {
        if f.colon_token.is_none()
            && let syn::Member::Named(name) = &f.member
            && self.active.contains_key(&name.to_string())
        {
            f.colon_token = Some(Default::default());
        }
        visit_mut::visit_field_value_mut(self, f);
    }
    // A macro's expression arguments read the bindings like any other code,
    // a format string's implicit captures included.
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        let mac = m.clone();
        crate::macro_args::edit(m, |args| {
            crate::macro_args::make_captures_explicit(&mac, args);
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a));
        });
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
