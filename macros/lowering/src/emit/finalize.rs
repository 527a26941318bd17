//! `Finalize`, the last rewrite of each arm's code: an `.await` becomes a
//! suspension (write the state, build the awaitee in place, poll it from
//! its own arm), code after it in the same arm is cut short (or kept dead,
//! only typed, when the arm holds code after its block: rustc types in
//! source order), `return` and `?` leave the body block, and the
//! lowering's tags are removed.

use super::arm_blocks::{cut_at, declared_locals, drop_unused_declarations};
use super::*;

/// The last rewrite of each arm's code: `.await` becomes a suspension,
/// `return` and `?` leave the body block, and the tags are removed.
pub(super) struct Finalize<'a> {
    pub(super) state: &'a Ident,
    pub(super) variants: &'a [Vec<Field>],
    pub(super) body_label: syn::Lifetime,
    /// What each suspension point is, and its state's name.
    pub(super) kinds: &'a [crate::joins::Kind],
    pub(super) names: &'a [String],
    /// The function's name and the state whose arm is being written, for
    /// transition tracing.
    pub(super) function: &'a str,
    pub(super) arm: String,
    pub(super) await_texts: &'a [String],
    /// Is the code being visited unreachable in this arm (it follows a
    /// suspension within its statement)?
    pub(super) dead: bool,
    /// Do yields offer their item to the poll's sink first (sync generators)?
    pub(super) sink: bool,
    /// When the sink takes the item, does this arm's code run on past the
    /// yield (the `Unresumed` arm, which then holds the whole body), or go
    /// on from the yield's own arm (the others, which stop at their next
    /// suspension)?
    pub(super) runs_on: bool,
    /// Does this arm hold code after the block being visited (the block is
    /// inside a statement that does not always stop here: a loop that may
    /// end, an `if` whose other branch goes on)? Then a stretch of the block
    /// after a suspension is not cut but kept as dead, typed-only code: it
    /// is what rustc reads, in source order, before the code that follows
    /// (`v.push(d)` after the `.await` in a loop fixes what `v` holds for a
    /// `v.pop().unwrap().touch()` after the loop).
    pub(super) keep_rest: bool,
    /// The locals declared with neither a value nor a type (`let y;`) in
    /// the enclosing blocks, before the code being visited. An arm that
    /// resumes after a value's `let` declares it so when it is not alive
    /// there; code that names it cannot be kept dead, rustc could not type
    /// it.
    pub(super) unset: Vec<Ident>,
}

impl Finalize<'_> {
    /// Does code in this arm stop at suspension point `a`? Every arm does,
    /// except one that runs on past its yields; even that one stops at a
    /// join point.
    pub(super) fn stops_at(&self, a: &syn::ExprAwait) -> bool {
        await_id(a).is_some_and(|n| !self.runs_on || self.kinds.get(n) == Some(&Kind::Join))
    }

    /// Is `x` a block that this arm cuts short after a statement that stops
    /// here, so that its type is `!` (or an expression that is written as
    /// such a block here)? (An `.await` itself keeps its type, see
    /// `output_of`.)
    pub(super) fn cut_short(&self, x: &Expr) -> bool {
        match x {
            Expr::Paren(p) => self.cut_short(&p.expr),
            // A `match` whose arms all are (a hoisted operand's, see
            // `normalize`), or whose scrutinee is.
            Expr::Match(m) => {
                self.cut_short(&m.expr)
                    || (!m.arms.is_empty() && m.arms.iter().all(|a| self.cut_short(&a.body)))
            }
            Expr::If(i) => self.cut_short(first_condition(&i.cond)),
            // An operation one of whose operands is: it is written as that
            // operand (see `cut_operand`).
            Expr::Binary(_)
            | Expr::Index(_)
            | Expr::Unary(_)
            | Expr::Cast(_)
            | Expr::Field(_)
            | Expr::MethodCall(_)
            | Expr::Try(_) => self.cut_operand(x).is_some(),
            // (A labeled block that a `break` can leave first is not, nor
            // one whose rest is kept.)
            Expr::Block(blk) => {
                crate::awaits::diverges_at(x, &|a| self.stops_at(a))
                    && blk.block.stmts.iter().any(|s| {
                        !matches!(s, syn::Stmt::Expr(_, None))
                            && crate::awaits::stmt_diverges_at(s, &|a| self.stops_at(a))
                            && !crate::awaits::stmt_diverges_at(s, &|_| false)
                    })
                    && self.kept_rest(&blk.block, self.stops(&blk.block))
                        != Some(blk.block.stmts.len())
            }
            _ => false,
        }
    }

    /// `e` written up to the `.await` it evaluates first, if that stops
    /// here (see [`Self::first_await`]): that `.await` alone, inside the
    /// `match`es that bind operands hoisted before it (`match v.iter() {
    /// __tmp1 => .. }`), which still run.
    pub(super) fn cut_at_first_await(&self, e: &Expr) -> Option<Expr> {
        match e {
            Expr::Match(m)
                if m.arms.len() == 1
                    && m.arms[0].guard.is_none()
                    && matches!(m.arms[0].pat, syn::Pat::Ident(_))
                    && self.first_await(&m.expr).is_none() =>
            {
                let body = self.cut_at_first_await(&m.arms[0].body)?;
                let mut m = m.clone();
                *m.arms[0].body = body;
                Some(Expr::Match(m))
            }
            Expr::Block(b) if b.label.is_none() => match &b.block.stmts[..] {
                [syn::Stmt::Expr(inner, None)] => self.cut_at_first_await(inner),
                _ => None,
            },
            _ => self.first_await(e).map(|a| Expr::Await(a.clone())),
        }
    }

    /// The `.await` that `e` evaluates first, if it stops here: reached
    /// through operations that evaluate it before anything else, or after
    /// the operands hoisting leaves in place because evaluating them is
    /// unobservable (`normalize::inert`: a local, a literal, a closure, a
    /// borrow of a place; any other was hoisted before the statement).
    pub(super) fn first_await<'e>(&self, e: &'e Expr) -> Option<&'e syn::ExprAwait> {
        let first = |x: &'e Expr| self.first_await(x);
        // The first of `operands` that awaits, if those before it are
        // inert.
        let among = |operands: Vec<&'e Expr>| {
            for x in operands {
                if let Some(a) = first(x) {
                    return Some(a);
                }
                if !crate::normalize::inert(x) {
                    return None;
                }
            }
            None
        };
        match e {
            Expr::Await(a) => (!self.dead
                && self.stops_at(a)
                && await_id(a).and_then(|n| self.kinds.get(n)) == Some(&Kind::Await))
            .then_some(a),
            Expr::Paren(p) => first(&p.expr),
            Expr::Block(b) if b.label.is_none() => match &b.block.stmts[..] {
                [syn::Stmt::Expr(inner, None)] => first(inner),
                _ => None,
            },
            Expr::Match(m) => first(&m.expr),
            Expr::Tuple(t) => among(t.elems.iter().collect()),
            Expr::Array(a) => among(a.elems.iter().collect()),
            Expr::Field(f) => first(&f.base),
            Expr::Try(t) => first(&t.expr),
            Expr::Unary(u) => first(&u.expr),
            Expr::Cast(c) => first(&c.expr),
            Expr::Reference(r) => first(&r.expr),
            Expr::Assign(a) => first(&a.right),
            Expr::Binary(b) if crate::normalize::is_assign_op(&b.op) => first(&b.right),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                first(&b.left)
            }
            Expr::Binary(b) => among(vec![&b.left, &b.right]),
            Expr::Index(i) => among(vec![&i.expr, &i.index]),
            Expr::Call(c) => among(std::iter::once(&*c.func).chain(&c.args).collect()),
            Expr::MethodCall(m) => among(std::iter::once(&*m.receiver).chain(&m.args).collect()),
            _ => None,
        }
    }

    /// The operand of operation `e` that is cut short here (see
    /// [`Self::cut_short`]), with what is evaluated before it.
    pub(super) fn cut_operand<'e>(&self, e: &'e Expr) -> Option<CutOperand<'e>> {
        let stops = |x: &Expr| self.cut_short(x);
        let alone = |x| {
            Some(CutOperand {
                before: None,
                cut: x,
            })
        };
        match e {
            Expr::Binary(b) if stops(&b.left) => alone(&*b.left),
            // A compound assignment evaluates a primitive's value first
            // (longhand's order, see `normalize`); `&&` and `||` take `!`.
            Expr::Binary(b) if crate::normalize::is_assign_op(&b.op) && stops(&b.right) => {
                alone(&*b.right)
            }
            Expr::Binary(b)
                if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) && stops(&b.right) =>
            {
                Some(CutOperand {
                    before: Some((&*b.left, false)),
                    cut: &b.right,
                })
            }
            Expr::Index(i) if stops(&i.expr) => alone(&*i.expr),
            Expr::Index(i) if stops(&i.index) => Some(CutOperand {
                before: Some((&*i.expr, true)),
                cut: &i.index,
            }),
            Expr::Unary(u) if stops(&u.expr) => alone(&*u.expr),
            Expr::Cast(c) if stops(&c.expr) => alone(&*c.expr),
            Expr::Field(f) if stops(&f.base) => alone(&*f.base),
            Expr::MethodCall(m) if stops(&m.receiver) => alone(&*m.receiver),
            Expr::Try(t) if stops(&t.expr) => alone(&*t.expr),
            _ => None,
        }
    }
}

impl VisitMut for Finalize<'_> {
    fn visit_block_mut(&mut self, b: &mut Block) {
        // Code after a statement that always suspends (or leaves) is
        // unreachable in this arm; it runs in the next state's arm instead.
        // Dropping it keeps each arm to its own stretch of the function, and
        // keeps rustc from typing it with the suspension's `!`. An arm that
        // runs on past its yields keeps all of it.
        // It still stops at a join point, whose code is written in its arm.
        // When this arm holds code after the block (`keep_rest`), the
        // stretch stays instead, dead (see `visit_statements`).
        let stops = self.stops(b);
        if let Some(end) = self.kept_rest(b, stops) {
            if end < b.stmts.len() {
                cut_at(b, end);
            }
            // (A local declared in the rest and used only after its cut is
            // typed from its state too: `let mut last = None;` before a
            // statement with a closure.)
            let declared = declared_locals(b);
            self.visit_statements(b, stops, true);
            self.type_dead_declarations(b, declared);
            drop_unused_declarations(b);
            return;
        }
        let cut = self.cut_after_divergence(b, None);
        if let Some(k) = self.stops(b) {
            self.unbind_before_divergence(&mut b.stmts[k]);
        }
        // A `let` (or an assignment to a local) whose value's first step is
        // an `.await` that stops here (`let n = x.await.into_iter().collect();`,
        // `let v = Into::into(x.await);`) is written as that `.await` alone:
        // the rest never runs in this arm, and only code after the
        // statement, in the next arm, could tell rustc the value's type
        // (E0282). (Other statements stay typed: `v.push(x.await);` tells
        // rustc what `v` holds, for code after a loop that this arm enters.)
        for s in &mut b.stmts {
            let value = match &*s {
                syn::Stmt::Local(l) => l.init.as_ref().map(|i| &*i.expr),
                syn::Stmt::Expr(e @ Expr::Assign(a), Some(_))
                    if matches!(&*a.left, Expr::Path(_)) =>
                {
                    Some(e)
                }
                _ => None,
            };
            if let Some(value) = value
                && !matches!(value, Expr::Await(_))
                && let Some(cut) = self.cut_at_first_await(value)
            {
                // (`let _`: the awaited value may be a `#[must_use]` one.)
                *s = syn::Stmt::Local(syn::Local {
                    attrs: Vec::new(),
                    let_token: Default::default(),
                    pat: syn::Pat::Wild(syn::PatWild {
                        attrs: Vec::new(),
                        underscore_token: Default::default(),
                    }),
                    init: Some(syn::LocalInit {
                        eq_token: Default::default(),
                        expr: Box::new(cut),
                        diverge: None,
                    }),
                    semi_token: Default::default(),
                });
            }
        }
        // A `let` whose value is cut short here binds nothing here, and its
        // pattern could not be typed from `!` (`let Some(q) = { let z =
        // x.await; z } else { .. };`): only its value is written.
        for s in &mut b.stmts {
            if let syn::Stmt::Local(l) = s
                && let Some(init) = &l.init
                && self.cut_short(&init.expr)
            {
                *s = syn::Stmt::Expr((*init.expr).clone(), Some(Default::default()));
            }
        }
        let mut declared = declared_locals(b);
        self.visit_statements(b, stops, false);
        // Cutting an inner block short can make a statement here diverge
        // that did not before: a loop resumed at its `break 'outer
        // x.await`, whose value `break` was in the part cut away, is `!`
        // now (`let inner = '__lh_loop1: { .. };`), and code after it would
        // be typed from that (`inner % 2`, E0277).
        if let Some(k) = self.cut_after_divergence(b, cut) {
            declared.retain(|(at, ..)| *at <= k);
        }
        self.type_dead_declarations(b, declared);
        drop_unused_declarations(b);
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // An operand that stops here (`{ x.await; 1 } + y`, `v[{ let i =
        // x.await; i }]`, `-{ .. }`): in this arm's copy the block is cut
        // short and has type `!`, which no operator, index, field or method
        // takes (E0277). The operation never happens here, so only the
        // operands up to the one that stops are written. (In a dead stretch
        // too: there the block was cut at its first `.await`, only typed.)
        if let Some(short) = self.cut_operand(e).map(CutOperand::written) {
            *e = short;
            return self.visit_expr_mut(e);
        }
        // The same for a scrutinee (normalisation makes one of such a block
        // when an operand before it must be evaluated first): its arms, which
        // bind values of type `!` here, never run in this arm.
        // And for an `if` whose condition (a `let`'s scrutinee first) stops
        // here: `if let Some(w) = { x.await; v.first() } { w.len() }` would
        // bind `w` from `!`, which leaves its type unknown (E0282). A
        // `while` too (its first test is where this copy stops), and a `for`
        // whose iterable stops here.
        let first = match &*e {
            Expr::Match(m) => Some(&*m.expr),
            Expr::If(i) => Some(first_condition(&i.cond)),
            Expr::While(w) => Some(first_condition(&w.cond)),
            Expr::ForLoop(f) => Some(&*f.expr),
            _ => None,
        };
        if let Some(first) = first
            && self.cut_short(first)
        {
            let mut first = first.clone();
            self.visit_expr_mut(&mut first);
            *e = first;
            return;
        }
        // The same within a statement: the arms of a `match` whose
        // scrutinee suspends (an operand hoisted before a later `.await`,
        // see `normalize`) run in the next state's arm. rustc still types
        // them, so they stay, but an `.await` among them is only typed, from
        // its state's awaitee: built here, its future (and a closure or
        // `async` block in it) would be a second copy of the one built
        // there, of another type. The same for the body of an `if`,
        // `while` or `for` whose first test suspends without being cut
        // short (an `.await`, typed as its output, or a block whose rest is
        // kept, see `cut_short`).
        let dead_after = |this: &Self, x: &Expr| {
            !this.dead && crate::awaits::diverges_at(x, &|a| this.stops_at(a))
        };
        match e {
            Expr::Match(m) if dead_after(self, &m.expr) => {
                self.visit_expr_mut(&mut m.expr);
                return self.visit_dead(|f| m.arms.iter_mut().for_each(|a| f.visit_arm_mut(a)));
            }
            Expr::If(i) if dead_after(self, first_condition(&i.cond)) => {
                self.visit_expr_mut(&mut i.cond);
                return self.visit_dead(|f| {
                    f.visit_block_mut(&mut i.then_branch);
                    if let Some((_, other)) = &mut i.else_branch {
                        f.visit_expr_mut(other);
                    }
                });
            }
            Expr::While(w) if dead_after(self, first_condition(&w.cond)) => {
                self.visit_expr_mut(&mut w.cond);
                return self.visit_dead(|f| f.visit_block_mut(&mut w.body));
            }
            Expr::ForLoop(l) if dead_after(self, &l.expr) => {
                self.visit_expr_mut(&mut l.expr);
                return self.visit_dead(|f| {
                    f.visit_pat_mut(&mut l.pat);
                    f.visit_block_mut(&mut l.body);
                });
            }
            _ => {}
        }
        visit_mut::visit_expr_mut(self, e);
        match e {
            Expr::Await(a) => {
                if let Some(n) = await_id(a) {
                    *e = match (self.kinds.get(n), crate::yields::yielded(&a.base)) {
                        (Some(Kind::Await), _) if self.dead => {
                            self.typed_only(n, (*a.base).clone())
                        }
                        (Some(Kind::Yield), value) if self.dead => self.yield_typed_only(value),
                        // (Writing its state here would make a second copy
                        // of a closure it keeps, of another type.)
                        (Some(Kind::Join), _) if self.dead => {
                            parse_quote!(::core::unreachable!())
                        }
                        (Some(Kind::Yield), Some(value)) => self.yield_point(n, value.clone()),
                        (Some(Kind::Join), _) => self.join_point(n),
                        _ => self.suspend(n, (*a.base).clone()),
                    };
                }
            }
            Expr::Return(r) => {
                let value = r
                    .expr
                    .as_deref()
                    .cloned()
                    .unwrap_or_else(|| parse_quote!(()));
                *e = crate::exits::return_to(&self.body_label, value);
            }
            Expr::Try(t) => *e = crate::exits::try_to(&self.body_label, (*t.expr).clone()),
            _ => {}
        }
    }
    fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
        StripTags.visit_pat_ident_mut(p);
    }
    fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
        StripTags.visit_expr_path_mut(p);
    }
    fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
        StripTags.visit_expr_closure_mut(c);
    }
    fn visit_expr_async_mut(&mut self, a: &mut syn::ExprAsync) {
        StripTags.visit_expr_async_mut(a);
    }
    // A macro's expression arguments are the body's code too: tags come
    // off, and a `?` or `return` in them leaves the body like any other.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        crate::macro_args::edit(mac, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
    // The tags of a macro's uses stay until the awaitee's operand has been
    // rewritten (`suspend`); `StripUses` removes them after.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// An operand an operation stops at in an arm (see `Finalize::cut_operand`).
pub(super) struct CutOperand<'e> {
    /// The operand evaluated before it, if any, and whether it is a place
    /// only borrowed (an index's base).
    before: Option<(&'e Expr, bool)>,
    /// The operand that is cut short.
    cut: &'e Expr,
}

impl CutOperand<'_> {
    /// The operation as written in that arm: the operand before, if any, as
    /// `let __lh_operand = ..;` (`&(..)` when only borrowed), then the cut
    /// one. Spliced in (see `splice`) rather than parsed from tokens: the
    /// operands still carry the lowering's tags (on the patterns of their
    /// `let`s), which do not read back.
    pub(super) fn written(self) -> Expr {
        let Some((first, borrowed)) = self.before else {
            return self.cut.clone();
        };
        let operand = hidden("__lh_operand");
        let value = if borrowed {
            quote!(&(__lh_hole0))
        } else {
            quote!(__lh_hole0)
        };
        crate::splice::expr(
            quote!({ let #operand = #value; __lh_hole1 }),
            vec![first.clone(), self.cut.clone()],
        )
    }
}

/// What an `if` evaluates first: the leftmost operand of its `&&` chain, or
/// that operand's scrutinee when it is a `let`.
pub(super) fn first_condition(cond: &Expr) -> &Expr {
    match cond {
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => first_condition(&b.left),
        Expr::Let(l) => &l.expr,
        other => other,
    }
}
