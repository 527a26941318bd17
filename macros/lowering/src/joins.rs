//! Join points: where paths of the machine meet, the code after them is
//! written once.
//!
//! Each arm of the poll closure holds "the function from here until the next
//! suspension" (see `resume`). Code that several arms reach is written out
//! in each of them: the top of a loop whose iterations suspend (reached from
//! the arm entering the loop and from every suspension inside it), and the
//! statements after one that suspends on some paths only (reached from the
//! arm that did not suspend and from each suspension's arm).
//!
//! The same holds inside a statement for the branches of a `match` or `if`
//! whose scrutinee or condition suspends on some paths only, and for the
//! rest of a statement after such an operand (`f(if c { a.await } else { 0
//! }, async move { .. }).await`), which `normalize` hoists into a `match`
//! for that reason: the rest is then that `match`'s arm.
//!
//! Copies are harmless, except for a closure or an `async` block: each copy
//! is a type of its own, so when one reaches a state variant (built into an
//! awaited future, `timeout(d, async move { .. }).await`, or kept across a
//! suspension) rustc reports "expected closure, found a different closure".
//!
//! There, a *join point* is inserted: a suspension point of its own, the
//! statement `__lh_join_point().await`, at the head of the loop, after the
//! statement, or first in the branch. Reaching it writes its state `JoinN`
//! (the values live there) and goes straight back to the dispatch loop, in
//! the same poll; the code after it lives in `JoinN`'s arm only. A join
//! never waits: the future is never left in a `JoinN` state between polls,
//! so polls, drops and outputs are those of rustc's lowering. Only where a closure or `async` block
//! could be copied is a join inserted, since passing one costs a store and
//! a load of the live values.

use crate::awaits::{
    await_id, block_contains_await, contains_await, diverges_at, stmt_contains_await,
    stmt_diverges, stmt_diverges_at,
};
use proc_macro2::{Span, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Stmt, parse_quote};

const MARKER: &str = "__lh_join_point";

/// What a numbered suspension point is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An `.await`: its state holds the awaited future.
    Await,
    /// A `yield_!`: its state holds the values kept alive, no future.
    Yield,
    /// A join point: passed through within a poll, holds the values alive.
    Join,
}

impl Kind {
    /// Does its state hold an awaited future?
    pub fn has_awaitee(self) -> bool {
        self == Kind::Await
    }
}

/// Is this the operand of a join point?
pub fn is_join(base: &Expr) -> bool {
    matches!(base, Expr::Call(c) if c.args.is_empty()
        && matches!(&*c.func, Expr::Path(p) if p.path.is_ident(MARKER)))
}

/// The kind of each numbered suspension point of `block`.
pub fn kinds(block: &Block, count: usize) -> Vec<Kind> {
    struct Find(Vec<Kind>);
    impl<'a> Visit<'a> for Find {
        fn visit_expr_await(&mut self, a: &'a syn::ExprAwait) {
            if let Some(slot) = await_id(a).and_then(|n| self.0.get_mut(n)) {
                if crate::yields::yielded(&a.base).is_some() {
                    *slot = Kind::Yield;
                } else if is_join(&a.base) {
                    *slot = Kind::Join;
                }
            }
            syn::visit::visit_expr_await(self, a);
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut f = Find(vec![Kind::Await; count]);
    f.visit_block(block);
    f.0
}

/// The state name of each suspension point: `Suspend0`, `Suspend1`, .. for
/// the `.await`s and `yield_!`s in order, `Join0`, .. for the join points.
pub fn state_names(kinds: &[Kind]) -> Vec<String> {
    let (mut suspends, mut joins) = (0, 0);
    kinds
        .iter()
        .map(|k| {
            let (prefix, counter) = match k {
                Kind::Join => ("Join", &mut joins),
                _ => ("Suspend", &mut suspends),
            };
            *counter += 1;
            format!("{prefix}{}", *counter - 1)
        })
        .collect()
}

/// Inserts the join points the numbered `block` needs. Returns whether it
/// inserted any (the suspension points must then be numbered again).
pub fn insert(block: &mut Block) -> bool {
    let mut i = Insert {
        after: false,
        inserted: false,
    };
    i.visit_block_mut(block);
    i.inserted
}

struct Insert {
    /// Is there a closure or `async` block in the code that runs after the
    /// block being visited ends, before the next suspension?
    after: bool,
    inserted: bool,
}

impl Insert {
    fn join_stmt(&mut self, what: &str, span: Span) -> Stmt {
        self.inserted = true;
        let marker = proc_macro2::Ident::new(MARKER, span);
        let line = span.start().line;
        parse_quote!(#[__lh_text(#what, #line)] #marker().await;)
    }
}

impl VisitMut for Insert {
    fn visit_block_mut(&mut self, b: &mut Block) {
        let after = self.after;
        let mut joins = Vec::new();
        for k in 0..b.stmts.len() {
            let rest = &b.stmts[k + 1..];
            self.after = reaches_closure(rest, after);
            // Several arms reach the end of this statement: the one that
            // ran through it without suspending and each suspension's.
            let s = &b.stmts[k];
            if stmt_paths_meet(s) && !is_join_stmt(s) && !rest.is_empty() && self.after {
                joins.push((k + 1, s.span()));
            }
            self.visit_stmt_mut(&mut b.stmts[k]);
        }
        for (k, span) in joins.into_iter().rev() {
            let join = self.join_stmt("the code after the statement", span);
            b.stmts.insert(k, join);
        }
        self.after = after;
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // The body first: a join it needs may leave the head without copies.
        // (Its end leads to the head again, then out to what follows.)
        visit_mut::visit_expr_mut(self, e);
        // The branches of a `match` or `if` whose scrutinee or condition
        // suspends on some paths only: each is reached from several arms.
        // (`normalize` hoists an operand that does so into such a `match`
        // when a closure follows it in the same statement.)
        match e {
            Expr::Match(m) if paths_meet(&m.expr) => {
                let span = m.expr.span();
                for arm in &mut m.arms {
                    if branch_reaches_closure(&arm.body) {
                        let join = self.join_stmt("the code after the scrutinee", span);
                        join_first(&mut arm.body, join);
                    }
                }
                return;
            }
            Expr::If(i) if paths_meet(&i.cond) => {
                let span = i.cond.span();
                if reaches_closure(&i.then_branch.stmts, false) {
                    let join = self.join_stmt("the code after the condition", span);
                    i.then_branch.stmts.insert(0, join);
                }
                if let Some((_, els)) = &mut i.else_branch
                    && branch_reaches_closure(els)
                {
                    let join = self.join_stmt("the code after the condition", span);
                    join_first(els, join);
                }
                return;
            }
            _ => {}
        }
        let loop_token = match e {
            Expr::While(w) if block_contains_await(&w.body) || contains_await(&w.cond) => {
                if !has_closure(&w.cond) && !reaches_closure(&w.body.stmts, false) {
                    return;
                }
                let token = w.while_token.span;
                *e = as_loop(w);
                token
            }
            Expr::Loop(l) if block_contains_await(&l.body) => {
                if !reaches_closure(&l.body.stmts, false) {
                    return;
                }
                l.loop_token.span
            }
            _ => return,
        };
        let join = self.join_stmt("the loop's next iteration", loop_token);
        if let Expr::Loop(l) = e {
            l.body.stmts.insert(0, join);
        }
    }

    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Does `e` suspend on some paths only, or at more than one point, so that
/// the code after it is reached from several arms? (Every `.await` counts,
/// numbered or not: `normalize` asks before numbering.)
pub fn paths_meet(e: &Expr) -> bool {
    contains_await(e) && (!diverges_at(e, &|_| true) || suspension_count(|c| c.visit_expr(e)) > 1)
}

/// [`paths_meet`] for a statement.
fn stmt_paths_meet(s: &Stmt) -> bool {
    stmt_contains_await(s)
        && (!stmt_diverges_at(s, &|_| true) || suspension_count(|c| c.visit_stmt(s)) > 1)
}

/// Does a branch (a `match` arm's body, an `else`) write a closure or
/// `async` block before it first always suspends?
fn branch_reaches_closure(e: &Expr) -> bool {
    match e {
        Expr::Block(b) => reaches_closure(&b.block.stmts, false),
        _ => has_closure(e),
    }
}

/// Puts `join` first in a branch: into its block, or a block made for it.
fn join_first(e: &mut Expr, join: Stmt) {
    match e {
        Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
            b.block.stmts.insert(0, join);
        }
        _ => {
            // Spliced in: the branch's patterns carry binding tags, which do
            // not parse back.
            let inner = std::mem::replace(e, parse_quote!(()));
            *e = crate::splice::expr(quote::quote!({ #join __lh_hole0 }), vec![inner]);
        }
    }
}

fn is_join_stmt(s: &Stmt) -> bool {
    matches!(s, Stmt::Expr(Expr::Await(a), _) if is_join(&a.base))
}

/// `'l: while c { body }` as rustc lowers it: `'l: loop { if c { body } else
/// { break } }` (`c` may be a `let` chain).
fn as_loop(w: &syn::ExprWhile) -> Expr {
    let cond = &w.cond;
    let body = &w.body;
    let label = &w.label;
    let attrs = &w.attrs;
    let mut looped: syn::ExprLoop = parse_quote!(#(#attrs)* #label loop {});
    let mut branch: syn::ExprIf = parse_quote!(if __lh_cond {
    } else {
        break;
    });
    branch.cond = Box::new((**cond).clone());
    branch.then_branch = body.clone();
    looped.body.stmts.push(Stmt::Expr(Expr::If(branch), None));
    Expr::Loop(looped)
}

/// Does the code from the start of `stmts` up to its first statement that
/// always suspends (included) write a closure or `async` block? If every
/// statement can complete, `after` says for the code that follows.
fn reaches_closure(stmts: &[Stmt], after: bool) -> bool {
    for s in stmts {
        if stmt_has_closure(s) {
            return true;
        }
        if stmt_diverges(s) {
            return false;
        }
    }
    after
}

/// How many suspension points `visit` finds.
fn suspension_count(visit: impl FnOnce(&mut Count)) -> usize {
    let mut c = Count(0);
    visit(&mut c);
    c.0
}

/// Counts the suspension points: the `.await`s outside closures, `async`
/// blocks and items.
struct Count(usize);

impl<'a> Visit<'a> for Count {
    fn visit_expr_await(&mut self, a: &'a syn::ExprAwait) {
        self.0 += 1;
        syn::visit::visit_expr_await(self, a);
    }
    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// Does `e` write a closure or an `async` block (also among a macro's tokens)?
pub fn has_closure(e: &Expr) -> bool {
    let mut f = FindClosure(false);
    f.visit_expr(e);
    f.0
}

/// Does `s` write a closure or an `async` block (see [`has_closure`])?
pub fn stmt_has_closure(s: &Stmt) -> bool {
    let mut f = FindClosure(false);
    f.visit_stmt(s);
    f.0
}

/// Finds a closure or `async` block, also among a macro's tokens (`|` or
/// `async` there might be one: a join too many costs little).
struct FindClosure(bool);

impl<'a> Visit<'a> for FindClosure {
    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {
        self.0 = true;
    }
    fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {
        self.0 = true;
    }
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        fn closure_like(tokens: proc_macro2::TokenStream) -> bool {
            tokens.into_iter().any(|t| match t {
                TokenTree::Punct(p) => p.as_char() == '|',
                TokenTree::Ident(i) => i == "async",
                TokenTree::Group(g) => closure_like(g.stream()),
                TokenTree::Literal(_) => false,
            })
        }
        self.0 |= closure_like(m.tokens.clone());
    }
    fn visit_item(&mut self, _: &'a syn::Item) {}
}
