//! `#[cfg(..)]` inside the body: one lowering per configuration.
//!
//! An attribute macro receives the body before rustc strips what `#[cfg]`
//! disables, and the lowering cannot evaluate `debug_assertions`, `test`
//! or `feature = ".."` itself. Lowered as written, a disabled statement
//! would still get its suspension points, its bindings and its moves, and
//! rustc would strip the statement only afterwards, leaving the state
//! machine around code that is not there.
//!
//! So the lowering runs once per assignment of the conditions the body
//! mentions (`debug_assertions` true and false, say), each time on the body
//! with the disabled statements, arms and fields removed, and each lowered
//! function is emitted under the `#[cfg]` that selects its assignment:
//!
//! ```text
//! #[cfg(all(debug_assertions))]      fn f(..) { /* lowered with it */ }
//! #[cfg(all(not(debug_assertions)))] fn f(..) { /* lowered without */ }
//! ```
//!
//! rustc keeps exactly one. Conditions the lowering can decide (`all()`,
//! `any()` and `not`, `all`, `any` of them) are decided at once.

use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Meta, Token};

/// At most this many distinct conditions are split on (2^4 lowerings).
pub const MAX_CONDITIONS: usize = 4;

/// A `cfg` predicate.
#[derive(Clone, Debug)]
enum Pred {
    /// `debug_assertions`, `feature = "x"`: decided by rustc.
    Atom(String),
    All(Vec<Pred>),
    Any(Vec<Pred>),
    Not(Box<Pred>),
}

impl Pred {
    fn parse(meta: &Meta) -> Option<Pred> {
        let list = |m: &syn::MetaList| -> Option<Vec<Pred>> {
            let inner = m
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok()?;
            inner.iter().map(Pred::parse).collect()
        };
        match meta {
            Meta::List(m) if m.path.is_ident("all") => Some(Pred::All(list(m)?)),
            Meta::List(m) if m.path.is_ident("any") => Some(Pred::Any(list(m)?)),
            Meta::List(m) if m.path.is_ident("not") => {
                let mut v = list(m)?;
                (v.len() == 1).then(|| Pred::Not(Box::new(v.remove(0))))
            }
            Meta::List(_) => None,
            other => Some(Pred::Atom(quote!(#other).to_string())),
        }
    }

    fn atoms(&self, out: &mut Vec<String>) {
        match self {
            Pred::Atom(a) if !out.contains(a) => out.push(a.clone()),
            Pred::Atom(_) => {}
            Pred::All(v) | Pred::Any(v) => v.iter().for_each(|p| p.atoms(out)),
            Pred::Not(p) => p.atoms(out),
        }
    }

    fn eval(&self, truth: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Pred::Atom(a) => truth(a),
            Pred::All(v) => v.iter().all(|p| p.eval(truth)),
            Pred::Any(v) => v.iter().any(|p| p.eval(truth)),
            Pred::Not(p) => !p.eval(truth),
        }
    }
}

/// The predicate of a `#[cfg(..)]` attribute; `None` for other attributes
/// (and for a `cfg` it cannot read, which is left to rustc).
fn cfg_of(attr: &Attribute) -> Option<Pred> {
    if !attr.path().is_ident("cfg") {
        return None;
    }
    let meta: Meta = attr.parse_args().ok()?;
    Pred::parse(&meta)
}

/// Visits the attributes a `#[cfg]` may be on inside a body: statements,
/// `match` arms, the fields of a struct literal or pattern. Items declared
/// in the body are rustc's business, but for their own `#[cfg]`.
trait CfgSites {
    /// Whether the code carrying `attrs` stays.
    fn keep(&mut self, attrs: &mut Vec<Attribute>) -> bool;
}

struct Walk<'a, S: CfgSites>(&'a mut S);

fn stmt_attrs(s: &mut syn::Stmt) -> Option<&mut Vec<Attribute>> {
    match s {
        syn::Stmt::Local(l) => Some(&mut l.attrs),
        syn::Stmt::Macro(m) => Some(&mut m.attrs),
        syn::Stmt::Item(i) => item_attrs(i),
        syn::Stmt::Expr(e, _) => expr_attrs(e),
    }
}

fn item_attrs(i: &mut syn::Item) -> Option<&mut Vec<Attribute>> {
    use syn::Item::*;
    Some(match i {
        Const(x) => &mut x.attrs,
        Enum(x) => &mut x.attrs,
        ExternCrate(x) => &mut x.attrs,
        Fn(x) => &mut x.attrs,
        ForeignMod(x) => &mut x.attrs,
        Impl(x) => &mut x.attrs,
        Macro(x) => &mut x.attrs,
        Mod(x) => &mut x.attrs,
        Static(x) => &mut x.attrs,
        Struct(x) => &mut x.attrs,
        Trait(x) => &mut x.attrs,
        TraitAlias(x) => &mut x.attrs,
        Type(x) => &mut x.attrs,
        Union(x) => &mut x.attrs,
        Use(x) => &mut x.attrs,
        _ => return None,
    })
}

fn expr_attrs(e: &mut syn::Expr) -> Option<&mut Vec<Attribute>> {
    use syn::Expr::*;
    Some(match e {
        Array(x) => &mut x.attrs,
        Assign(x) => &mut x.attrs,
        Async(x) => &mut x.attrs,
        Await(x) => &mut x.attrs,
        Binary(x) => &mut x.attrs,
        Block(x) => &mut x.attrs,
        Break(x) => &mut x.attrs,
        Call(x) => &mut x.attrs,
        Cast(x) => &mut x.attrs,
        Closure(x) => &mut x.attrs,
        Const(x) => &mut x.attrs,
        Continue(x) => &mut x.attrs,
        Field(x) => &mut x.attrs,
        ForLoop(x) => &mut x.attrs,
        Group(x) => &mut x.attrs,
        If(x) => &mut x.attrs,
        Index(x) => &mut x.attrs,
        Let(x) => &mut x.attrs,
        Lit(x) => &mut x.attrs,
        Loop(x) => &mut x.attrs,
        Macro(x) => &mut x.attrs,
        Match(x) => &mut x.attrs,
        MethodCall(x) => &mut x.attrs,
        Paren(x) => &mut x.attrs,
        Path(x) => &mut x.attrs,
        Range(x) => &mut x.attrs,
        RawAddr(x) => &mut x.attrs,
        Reference(x) => &mut x.attrs,
        Repeat(x) => &mut x.attrs,
        Return(x) => &mut x.attrs,
        Struct(x) => &mut x.attrs,
        Try(x) => &mut x.attrs,
        TryBlock(x) => &mut x.attrs,
        Tuple(x) => &mut x.attrs,
        Unary(x) => &mut x.attrs,
        Unsafe(x) => &mut x.attrs,
        While(x) => &mut x.attrs,
        Yield(x) => &mut x.attrs,
        _ => return None,
    })
}

impl<S: CfgSites> VisitMut for Walk<'_, S> {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        b.stmts
            .retain_mut(|s| stmt_attrs(s).is_none_or(|attrs| self.0.keep(attrs)));
        visit_mut::visit_block_mut(self, b);
    }
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        m.arms.retain_mut(|a| self.0.keep(&mut a.attrs));
        visit_mut::visit_expr_match_mut(self, m);
    }
    fn visit_expr_struct_mut(&mut self, s: &mut syn::ExprStruct) {
        s.fields = std::mem::take(&mut s.fields)
            .into_pairs()
            .filter_map(|mut p| self.0.keep(&mut p.value_mut().attrs).then_some(p))
            .collect();
        visit_mut::visit_expr_struct_mut(self, s);
    }
    fn visit_pat_struct_mut(&mut self, s: &mut syn::PatStruct) {
        s.fields = std::mem::take(&mut s.fields)
            .into_pairs()
            .filter_map(|mut p| self.0.keep(&mut p.value_mut().attrs).then_some(p))
            .collect();
        visit_mut::visit_pat_struct_mut(self, s);
    }
    // An item's body is compiled by rustc as written.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Collects the undecided conditions.
struct Atoms(Vec<String>);

impl CfgSites for Atoms {
    fn keep(&mut self, attrs: &mut Vec<Attribute>) -> bool {
        attrs
            .iter()
            .filter_map(cfg_of)
            .for_each(|p| p.atoms(&mut self.0));
        true
    }
}

/// Removes what an assignment of the conditions disables.
struct Resolve<'a>(&'a dyn Fn(&str) -> bool);

impl CfgSites for Resolve<'_> {
    fn keep(&mut self, attrs: &mut Vec<Attribute>) -> bool {
        let mut keep = true;
        attrs.retain(|a| match cfg_of(a) {
            Some(p) => {
                keep &= p.eval(self.0);
                false
            }
            None => true,
        });
        keep
    }
}

/// The conditions the body's `#[cfg]`s leave to rustc, in order of first
/// appearance (`all()` and `any()` are decided here and count for none).
pub fn conditions(block: &syn::Block) -> Vec<String> {
    let mut atoms = Atoms(Vec::new());
    Walk(&mut atoms).visit_block_mut(&mut block.clone());
    atoms.0
}

/// `block` as it is where the conditions in `set` hold and the others of
/// `conditions` do not: disabled statements, arms and fields removed, the
/// `#[cfg]`s of the others taken off.
pub fn resolve(block: &mut syn::Block, set: &[&str]) {
    let truth = |a: &str| set.contains(&a);
    Walk(&mut Resolve(&truth)).visit_block_mut(block);
}

/// The `#[cfg(..)]` that selects the assignment where exactly the
/// conditions in `set` hold, out of `conditions`.
pub fn selector(conditions: &[String], set: &[&str]) -> TokenStream {
    let parts = conditions.iter().map(|c| {
        let tokens: TokenStream = c.parse().unwrap_or_default();
        if set.contains(&c.as_str()) {
            quote!(#tokens)
        } else {
            quote!(not(#tokens))
        }
    });
    quote!(#[cfg(all(#(#parts),*))])
}

/// `lowered` (one or more items) under `selector`: each item gets it.
pub fn select(lowered: TokenStream, selector: &TokenStream) -> TokenStream {
    match syn::parse2::<syn::File>(lowered.clone()) {
        Ok(file) => file.items.iter().map(|i| quote!(#selector #i)).collect(),
        Err(_) => quote!(#selector #lowered),
    }
}

/// Every subset of `conditions`, as the assignments to lower for.
pub fn assignments(conditions: &[String]) -> Vec<Vec<&str>> {
    (0..1usize << conditions.len())
        .map(|bits| {
            conditions
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, c)| c.as_str())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn decided_conditions_are_resolved_and_others_listed() {
        let mut b: syn::Block = parse_quote!({
            #[cfg(any())]
            a();
            #[cfg(all())]
            b();
            #[cfg(debug_assertions)]
            c();
            match k {
                #[cfg(not(feature = "x"))]
                0 => d(),
                _ => e(),
            }
        });
        assert_eq!(conditions(&b), ["debug_assertions", "feature = \"x\""]);
        resolve(&mut b, &["debug_assertions"]);
        let text = quote!(#b).to_string();
        assert!(!text.contains("a ()") && text.contains("b ()") && text.contains("c ()"));
        assert!(text.contains("d ()") && !text.contains("cfg"));
    }
}
