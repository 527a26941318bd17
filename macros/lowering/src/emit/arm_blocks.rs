//! Tidying one arm's copy of a block: a declaration that only a later
//! state's arm assigns is dropped here or typed from the state that keeps
//! it, and the code after a statement that diverges in this arm is cut.

use super::finalize::Finalize;
use super::*;

/// The `let x = value;` statements of a block (a plain name, with a value):
/// their positions, binding ids and names.
pub(super) fn declared_locals(b: &Block) -> Vec<(usize, usize, Ident)> {
    b.stmts
        .iter()
        .enumerate()
        .filter_map(|(k, s)| match s {
            syn::Stmt::Local(l) if l.init.is_some() => match &l.pat {
                syn::Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
                    crate::bindings::tag_of(p).map(|id| (k, id, p.ident.clone()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Is `e` an empty value whose making and dropping do nothing: `None`, a
/// literal, `vec![]`, or a standard collection's `new()`?
pub(super) fn empty_value(e: &Expr) -> bool {
    const COLLECTIONS: &[&str] = &[
        "Vec",
        "String",
        "VecDeque",
        "HashMap",
        "HashSet",
        "BTreeMap",
        "BTreeSet",
        "BinaryHeap",
    ];
    match e {
        Expr::Lit(_) => true,
        Expr::Path(p) => p.qself.is_none() && p.path.is_ident("None"),
        Expr::Macro(m) => m.mac.path.is_ident("vec") && m.mac.tokens.is_empty(),
        Expr::Call(c) if c.args.is_empty() => match &*c.func {
            Expr::Path(p) => {
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                segs.len() == 2 && segs[1] == "new" && COLLECTIONS.contains(&segs[0].as_str())
            }
            _ => false,
        },
        _ => false,
    }
}

/// Drops each `let x;` (no value, no type) that nothing after it in this
/// arm's copy of the block names: the local is assigned only in code that
/// runs in a later state's arm (`let body; loop { .. .await; body = ..; }`),
/// so here rustc could not infer its type. Unassigned, it holds nothing to
/// drop. (A name that merely looks the same keeps the declaration.)
pub(super) fn drop_unused_declarations(b: &mut Block) {
    let mut k = 0;
    while k < b.stmts.len() {
        let unused = match &b.stmts[k] {
            syn::Stmt::Local(l) if l.init.is_none() => match &l.pat {
                syn::Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
                    let rest = &b.stmts[k + 1..];
                    !crate::macro_args::token_names(&quote!(#(#rest)*)).contains(&p.ident)
                }
                _ => false,
            },
            _ => false,
        };
        if unused {
            b.stmts.remove(k);
        } else {
            k += 1;
        }
    }
}

impl Finalize<'_> {
    /// After each `let x = value;` that nothing after it in this arm's copy
    /// of the block names, says that `x` has the type of its field in a
    /// state that keeps it (`let mut best = None;` whose `Some(..)` is
    /// assigned only in code another arm runs, a loop's next iteration after
    /// a join point). Here rustc could not infer it otherwise; it is the
    /// same local, so it is the same type. `declared` comes from
    /// [`declared_locals`], before the block's copy was cut short.
    pub(super) fn type_dead_declarations(
        &self,
        b: &mut Block,
        declared: Vec<(usize, usize, Ident)>,
    ) {
        for (k, id, name) in declared.into_iter().rev() {
            let rest = &b.stmts[k + 1..];
            if crate::macro_args::token_names(&quote!(#(#rest)*)).contains(&name) {
                continue;
            }
            if let Some(hint) = self.typed_from_state(id, &name) {
                b.stmts.insert(k + 1, hint);
            } else if let syn::Stmt::Local(l) = &b.stmts[k]
                && l.init
                    .as_ref()
                    .is_some_and(|i| i.diverge.is_none() && empty_value(&i.expr))
            {
                // No state keeps it either: an empty value that nothing
                // here reads does nothing, not even when dropped.
                b.stmts.remove(k);
            }
        }
    }

    /// Cuts `b` after its first statement that always suspends or leaves,
    /// unless it is the last one or `b` was cut there already (`cut`);
    /// returns that statement's index when it cut.
    pub(super) fn cut_after_divergence(&self, b: &mut Block, cut: Option<usize>) -> Option<usize> {
        let k = self.stops(b)?;
        if k + 1 == b.stmts.len() || cut == Some(k) {
            return None;
        }
        cut_at(b, k + 1);
        Some(k)
    }

    /// A statement that never runs and gives local `name` (binding `id`)
    /// the type of its field in the first state that keeps it, if any.
    pub(super) fn typed_from_state(&self, id: usize, name: &Ident) -> Option<syn::Stmt> {
        let (n, field) = self.variants.iter().enumerate().find_map(|(n, fields)| {
            fields
                .iter()
                .find(|f| f.binding.id == id)
                .map(|f| (n, &f.name))
        })?;
        let state = self.state;
        let this = hidden("__lh_this");
        let variant = format_ident!("{}", self.names[n]);
        let typed = hidden("__lh_typed");
        Some(parse_quote! {
            if false {
                // SAFETY: never runs; only typed.
                let #state::#variant { #field: #typed, .. } = (unsafe { &mut *#this }) else {
                    ::core::unreachable!()
                };
                ::longhand::__private::Kept::type_as(#typed, &#name);
            }
        })
    }
}

/// Cuts `b` to its first `len` statements, which never reach its end here.
pub(super) fn cut_at(b: &mut Block, len: usize) {
    b.stmts.truncate(len);
    // The last statement must stay a statement, not become the block's
    // value, and rustc must see the block diverge (it does not know that a
    // `while` whose condition suspends never ends): a tail that is never
    // reached says so.
    if let Some(syn::Stmt::Expr(_, semi @ None)) = b.stmts.last_mut() {
        *semi = Some(Default::default());
    }
    b.stmts.push(syn::Stmt::Expr(
        parse_quote!(::core::unreachable!(
            "longhand: this point follows a suspension"
        )),
        None,
    ));
}
