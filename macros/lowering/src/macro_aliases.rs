//! Locals named inside a macro call whose arguments longhand cannot read
//! (`json!({"items": list})`, `info!(?list)`).
//!
//! longhand cannot rewrite such a call's tokens, yet the lowering may have
//! taken a local the call names away from its name: a local pinned in its
//! slot, one renamed because a later `let` shadows it while it is alive, one
//! kept next to the awaitee whose operand holds the call. Normalisation tags
//! the call with the names its tokens use (`#[__lh_uses(list, 4)]`, one
//! reference number each, resolved like any other use), and each pass that
//! moves a local gives it back to the call under its own name, as a shared
//! reference taken right before it:
//!
//! ```text
//! { #[allow(unused_variables)] let list = &<where list is now>; json!({"items": list}) }
//! ```
//!
//! Reading through the alias is reading the local (`Debug`, `Display` and
//! `Serialize` see the same value); a call that mutates or moves the local
//! is refused by rustc at the user's token, never silently changed.

use proc_macro2::Ident;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, Stmt, parse_quote};

/// The attribute that lists the names a macro call's tokens use.
const USES: &str = "__lh_uses";

/// Tags a macro call with one name its tokens use and its reference number.
pub fn tag(attrs: &mut Vec<Attribute>, name: &Ident, k: usize) {
    attrs.push(parse_quote!(#[__lh_uses(#name, #k)]));
}

/// The names a macro call's tokens use, with their reference numbers.
pub fn uses(attrs: &[Attribute]) -> Vec<(Ident, usize)> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident(USES))
        .filter_map(|a| {
            a.parse_args_with(|input: syn::parse::ParseStream| {
                let name: Ident = syn::ext::IdentExt::parse_any(input)?;
                input.parse::<syn::Token![,]>()?;
                let k: syn::LitInt = input.parse()?;
                Ok((name, k.base10_parse()?))
            })
            .ok()
        })
        .collect()
}

/// Removes the tags, last thing before the code is emitted; also the
/// description of an `.await` that stayed in an `async` block (a lowered
/// `join!` or `select!` there, see `awaiting_macros`), which is rustc's.
pub struct StripUses;

impl VisitMut for StripUses {
    fn visit_expr_await_mut(&mut self, a: &mut syn::ExprAwait) {
        a.attrs.retain(|x| !x.path().is_ident(crate::awaits::TEXT));
        syn::visit_mut::visit_expr_await_mut(self, a);
    }
    fn visit_expr_macro_mut(&mut self, m: &mut syn::ExprMacro) {
        m.attrs.retain(|a| !a.path().is_ident(USES));
        self.visit_macro_mut(&mut m.mac);
    }
    fn visit_stmt_macro_mut(&mut self, m: &mut syn::StmtMacro) {
        m.attrs.retain(|a| !a.path().is_ident(USES));
        self.visit_macro_mut(&mut m.mac);
    }
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        crate::macro_args::edit(m, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
}

/// Gives a macro call in `e` (if it is one) the locals it names back:
/// `reach(name, k)` says where the local is now, or `None` if it is still
/// under its name. Each name given back loses its tag, so that a later pass
/// does not alias it again.
pub fn give_back(e: &mut Expr, mut reach: impl FnMut(&Ident, usize) -> Option<Expr>) {
    let Expr::Macro(m) = e else { return };
    let lets = aliases(&mut m.attrs, &mut reach);
    if lets.is_empty() {
        return;
    }
    let call = std::mem::replace(e, parse_quote!(()));
    *e = block(lets, Stmt::Expr(call, None));
}

/// The same for a statement macro (`info!(?list);`, also as the
/// expression statement normalisation makes of it): it stays a statement
/// in the block, since it may expand to statements (`let _ = ..;`). Called
/// before the statement's expression is visited.
pub fn give_back_stmt(s: &mut Stmt, mut reach: impl FnMut(&Ident, usize) -> Option<Expr>) {
    let attrs = match s {
        Stmt::Macro(m) => &mut m.attrs,
        Stmt::Expr(Expr::Macro(m), Some(_)) => &mut m.attrs,
        _ => return,
    };
    let lets = aliases(attrs, &mut reach);
    if lets.is_empty() {
        return;
    }
    let call = match std::mem::replace(s, Stmt::Expr(parse_quote!(()), None)) {
        Stmt::Expr(Expr::Macro(m), semi) => Stmt::Macro(syn::StmtMacro {
            attrs: m.attrs,
            mac: m.mac,
            semi_token: semi,
        }),
        stmt => stmt,
    };
    *s = Stmt::Expr(block(lets, call), None);
}

/// `{ lets; last }`, built as a tree: the call is not printed and parsed
/// again.
fn block(mut stmts: Vec<Stmt>, last: Stmt) -> Expr {
    stmts.push(last);
    Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: syn::Block {
            brace_token: Default::default(),
            stmts,
        },
    })
}

/// The alias statements for the uses in `attrs` that `reach` places, whose
/// tags it removes.
fn aliases(
    attrs: &mut Vec<Attribute>,
    reach: &mut impl FnMut(&Ident, usize) -> Option<Expr>,
) -> Vec<Stmt> {
    let mut lets = Vec::new();
    let mut kept = Vec::new();
    for attr in std::mem::take(attrs) {
        let found = uses(std::slice::from_ref(&attr))
            .pop()
            .and_then(|(name, k)| Some((reach(&name, k)?, name)));
        match found {
            Some((value, name)) => lets.push(parse_quote! {
                #[allow(unused_variables)]
                let #name = &#value;
            }),
            None => kept.push(attr),
        }
    }
    *attrs = kept;
    lets
}
