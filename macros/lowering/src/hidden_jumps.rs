//! Jumps a macro may hide, in the rest of a resumed loop iteration.
//!
//! A loop resumed at a suspension point runs the rest of its iteration in
//! labeled blocks, `'loop: { 'iter: { rest } the_loop }` (see `resume`),
//! where the rest's `continue` becomes `break 'iter` and its `break` becomes
//! `break 'loop`. longhand cannot see a `continue` or a `break` that a user's
//! macro expands to (`skip_if!(c)` being `if c { continue; }`). Left alone it
//! is an unlabeled jump inside a labeled block, which rustc refuses (E0695),
//! and the nearest loop around it would be the poll function's dispatch loop.
//!
//! So a statement calling such a macro runs in a loop of its own, which
//! catches the jump, and records which one it was in a flag:
//!
//! ```text
//! skip_if!(y % 2 == 0);
//! // becomes
//! {
//!     let mut __lh_flow = 0u8;
//!     loop {
//!         if __lh_flow != 0 { __lh_flow = 1; break; } // the macro continued
//!         __lh_flow = 3;
//!         skip_if!(y % 2 == 0);
//!         __lh_flow = 2;                               // it finished
//!         break;
//!     }
//!     match __lh_flow { 1 => break 'iter, 3 => break 'loop, _ => {} }
//! }
//! ```
//!
//! A `continue` restarts the catching loop, which sees the flag set; a bare
//! `break` leaves it with the flag still 3. The call runs once, in the same
//! statement as before, so its temporaries drop where they did. A macro
//! giving a value (`let v = or_continue!(o);`, or a block's tail) stores it
//! in an `Option` and the block gives it back.
//!
//! A macro that may declare a local cannot be wrapped: the local would end
//! with the catching loop. So the macros longhand knows are left alone (they
//! only evaluate their arguments, or are suspension points, or pin a local
//! in place), so is a call whose tokens read like a binding (a plain `=`
//! at their top level: `bind!(x = 5)`, `let_assert!(Some(n) = o)`), and so
//! is a call naming a local that the statements after it use and that no
//! pattern of the function binds, or that the next statement takes over
//! (`let mut n = n;`, see `macro_locals`): the signs of a declaration.
//!
//! A `?` in such a macro is not seen either: it returns `Ready(Err(..))`
//! from the poll function directly, past the body's own end, which writes
//! `Returned`. A function calling such a macro is built with
//! `lowered_settling`, whose future writes `Returned` itself then
//! (`block_may_hide_exits`); other functions skip that check.

use crate::names::hidden;
use quote::quote;
use std::collections::HashSet;
use syn::{Block, Expr, Macro, Stmt};

/// Where a caught jump goes: the labels of the resumed loop.
pub struct Targets<'a> {
    /// The label around the whole loop, which `break` leaves.
    pub whole: &'a syn::Lifetime,
    /// The label around the rest of the iteration, which `continue` leaves.
    pub iter: &'a syn::Lifetime,
    /// Every name a pattern of the function binds.
    pub bound: &'a HashSet<String>,
}

/// Runs each statement of `b` that calls a macro which may hide a jump in
/// a loop that catches it (see above).
pub fn catch_in_block(b: &mut Block, t: &Targets) {
    let last = b.stmts.len().saturating_sub(1);
    for i in 0..b.stmts.len() {
        let (before, after) = b.stmts.split_at_mut(i + 1);
        let stmt = &mut before[i];
        let tail = i == last;
        match stmt {
            Stmt::Macro(m) if may_jump(&m.mac, after, t.bound) => {
                let call = Expr::Macro(syn::ExprMacro {
                    attrs: std::mem::take(&mut m.attrs),
                    mac: m.mac.clone(),
                });
                *stmt = caught(call, m.semi_token.is_none() && tail, t);
            }
            Stmt::Expr(e @ Expr::Macro(_), semi) => {
                let Expr::Macro(m) = &*e else { continue };
                if may_jump(&m.mac, after, t.bound) {
                    let call = std::mem::replace(e, Expr::Verbatim(Default::default()));
                    *stmt = caught(call, semi.is_none() && tail, t);
                }
            }
            Stmt::Local(l) => {
                if let Some(init) = &mut l.init
                    && init.diverge.is_none()
                    && let Expr::Macro(m) = &*init.expr
                    && may_jump(&m.mac, after, t.bound)
                {
                    let call =
                        std::mem::replace(&mut *init.expr, Expr::Verbatim(Default::default()));
                    *init.expr = catching_loop(call, true, t);
                }
            }
            _ => {}
        }
    }
}

/// Could `mac`'s expansion hide a `break`, `continue` or `?`: is it a
/// macro longhand does not know?
pub fn may_hide_exits(mac: &Macro) -> bool {
    let name = crate::macro_args::name(mac);
    let known = crate::macro_args::evaluates_args_once(mac)
        || crate::macro_args::never_evaluated(mac)
        || matches!(
            name.as_str(),
            // Suspension points, and macros that pin a local in place.
            "yield_" | "pin" | "pin_mut" | "join" | "try_join" | "select" | "select_biased"
            // Expressions that neither jump nor declare: logging (`log`,
            // `tracing`), `serde_json`, std's compile-time macros.
            | "trace" | "debug" | "info" | "warn" | "error" | "event" | "json" | "concat"
            | "env" | "option_env" | "include_str" | "include_bytes" | "line" | "column"
            | "file" | "module_path" | "cfg"
        );
    !known
}

/// Does `block` call a macro that may hide a `?` (see `may_hide_exits`)?
/// The future must then mark its own end (`lowered_settling`).
pub fn block_may_hide_exits(block: &Block) -> bool {
    struct Find(bool);
    impl<'a> syn::visit::Visit<'a> for Find {
        fn visit_macro(&mut self, m: &'a Macro) {
            self.0 |= may_hide_exits(m);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// Could a call of `mac`, followed by `after` in its block, hide a
/// `break` or `continue`, and is it safe to run in a loop of its own?
fn may_jump(mac: &Macro, after: &[Stmt], bound: &HashSet<String>) -> bool {
    let known = !may_hide_exits(mac) || crate::macro_args::name(mac).starts_with("let");
    if known
        || binds_like_let(&mac.tokens)
        || crate::macro_args::token_names(&mac.tokens)
            .iter()
            .any(|n| n == "await")
    {
        return false;
    }
    let used_after = crate::macro_locals::names_used(after);
    let taken_over: Vec<String> = after.iter().map_while(taken_over).collect();
    !crate::macro_locals::declarable_names(&mac.tokens)
        .iter()
        .map(ToString::to_string)
        // Normalisation's tags (`__lh_ref`) are not names of the user's.
        .filter(|n| !n.starts_with("__lh"))
        .any(|n| (!bound.contains(&n) || taken_over.contains(&n)) && used_after.contains(&n))
}

/// Do the call's tokens read like a binding, `x = 5` or `Some(n) = o`: a
/// plain `=` at their top level (not `==`, `<=`, `=>`, `+=`)? The macro may
/// declare what stands before it, shadowing a local of the same name.
fn binds_like_let(tokens: &proc_macro2::TokenStream) -> bool {
    use proc_macro2::{Spacing, TokenTree};
    // Joint: this punctuation mark is glued to the next one (`<` in `<=`).
    let mut after_joint = false;
    for t in tokens.clone() {
        let TokenTree::Punct(p) = t else {
            after_joint = false;
            continue;
        };
        if p.as_char() == '=' && p.spacing() == Spacing::Alone && !after_joint {
            return true;
        }
        after_joint = p.spacing() == Spacing::Joint;
    }
    false
}

/// The name a statement takes over, if it is `let mut x = x;`: the binding
/// `macro_locals` adds after a macro that may declare `x`.
fn taken_over(s: &Stmt) -> Option<String> {
    let Stmt::Local(l) = s else { return None };
    let syn::Pat::Ident(p) = &l.pat else {
        return None;
    };
    let init = l.init.as_ref()?;
    match &*init.expr {
        Expr::Path(e) if e.path.is_ident(&p.ident) => Some(p.ident.to_string()),
        _ => None,
    }
}

/// The statement running `call` in a catching loop: for its value when it
/// is its block's tail, else for its effects.
fn caught(call: Expr, value: bool, t: &Targets) -> Stmt {
    Stmt::Expr(catching_loop(call, value, t), None)
}

/// The catching loop around `call` (see above), giving the call's value
/// when `value` is set (kept in an `Option` across the loop), else `()`.
fn catching_loop(call: Expr, value: bool, t: &Targets) -> Expr {
    let flow = hidden("__lh_flow");
    let (whole, iter) = (t.whole, t.iter);
    // What the value form adds: the slot, the call stored in it, and the
    // last arm giving it back.
    let (slot, run, finished) = if value {
        let kept = hidden("__lh_value");
        let v = hidden("__lh_v");
        (
            quote!(let mut #kept = ::core::option::Option::None;),
            quote!(#kept = ::core::option::Option::Some(__lh_hole0);),
            quote!(match #kept {
                ::core::option::Option::Some(#v) => #v,
                ::core::option::Option::None => ::core::unreachable!(),
            },),
        )
    } else {
        (quote!(), quote!(__lh_hole0;), quote!({}))
    };
    crate::splice::expr(
        quote! {
            {
                let mut #flow = 0u8;
                #slot
                loop {
                    if #flow != 0 {
                        #flow = 1;
                        break;
                    }
                    #flow = 3;
                    #run
                    #flow = 2;
                    break;
                }
                match #flow {
                    1 => break #iter,
                    3 => break #whole,
                    _ => #finished
                }
            }
        },
        vec![call],
    )
}
