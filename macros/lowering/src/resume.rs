//! Resumption: the code that runs when a future wakes up at `SuspendN`.
//!
//! For suspension point N the builder walks from the function body down to
//! the `.await` and rebuilds, level by level, "the rest of the function from
//! just after this `.await`":
//!
//! - the `.await` itself becomes the value its awaitee produced;
//! - an expression keeps its other operands (those evaluated earlier are
//!   temporaries or places by now, see `normalize`);
//! - a block keeps the statements after the one that suspended, and first
//!   rebinds, under the user's names and at that block's level, the stored
//!   locals it had declared (so they are dropped at the end of *their* block,
//!   in reverse order, exactly as before the suspension);
//! - a `match` arm or `if let` branch rebinds its pattern's bindings;
//! - a loop becomes "the rest of this iteration, then the loop again":
//!   `'loop: { 'iter: { rest; } loop { .. } }`, where the rest's `continue`
//!   aimed at this loop becomes `break 'iter` and its `break v` becomes
//!   `break 'loop v` (and a macro that may hide either runs in a loop that
//!   catches it, see `hidden_jumps`).
//!
//! The result is structured code, one arm per state, that reads like the
//! original function from the suspension point on.

use crate::analysis::Keep;
use crate::awaits::await_id;
use crate::bindings::bindings_of;
use crate::names::{hidden, restored};
use crate::splice;
use quote::quote;
use std::collections::HashMap;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Pat, Stmt, parse_quote};

/// The hidden local that holds the value the awaitee produced.
pub fn resumed_value() -> proc_macro2::Ident {
    hidden("__lh_resumed")
}

/// Builds the body of the `SuspendN` arm from the normalised body.
pub fn resume_body(body: &Block, n: usize, keep: &Keep, slots: &HashMap<usize, usize>) -> Block {
    let mut r = Resumer {
        n,
        keep,
        slots,
        next_label: 0,
        bound: crate::macro_locals::bound_names(body),
    };
    r.block(body).unwrap_or_else(|| body.clone())
}

struct Resumer<'a> {
    n: usize,
    keep: &'a Keep,
    slots: &'a HashMap<usize, usize>,
    next_label: usize,
    /// Every name a pattern of the function binds.
    bound: std::collections::HashSet<String>,
}

/// Does `e` contain suspension point `n` (of this function)?
pub fn contains(e: &Expr, n: usize) -> bool {
    crate::awaits::contains_await_where(e, &|a| await_id(a) == Some(n))
}

fn stmt_contains(s: &Stmt, n: usize) -> bool {
    crate::awaits::stmt_contains_await_where(s, &|a| await_id(a) == Some(n))
}

impl Resumer<'_> {
    /// `let x = __lh_restoredK;` for each binding of `pat` that is stored,
    /// `let x;` for each that is only redeclared.
    fn rebind(&self, pat: &Pat) -> Vec<Stmt> {
        // A pinned local declared here: its scope's reference and guard are
        // declared again, at the same scope (the guard drops it there).
        if let Some(id) = crate::pin::pinned_binding(pat) {
            if self.keep.pinned.iter().any(|b| b.id == id)
                && let Some(slot) = self.slots.get(&id)
            {
                return crate::pin::scope_statements(id, *slot, None);
            }
            return Vec::new();
        }
        // Where a pinned local released later moves (see `release`): declared
        // again, still without a value, next to its pin and guard.
        if crate::release::is_rest(pat) {
            return vec![parse_quote!(let #pat;)];
        }
        let ty = match pat {
            Pat::Type(t) if matches!(&*t.pat, Pat::Ident(_)) => Some(&t.ty),
            _ => None,
        };
        let mut out = Vec::new();
        for b in bindings_of(pat) {
            let ident = &b.ident;
            let mutability = b.mutable.then(|| quote!(mut));
            let annot = ty.map(|t| quote!(: #t));
            if self.keep.stored.iter().any(|s| s.id == b.id) {
                let from = restored(b.id);
                out.push(parse_quote!(let #mutability #ident #annot = #from;));
            } else if self.keep.typed_by_carrier.contains(&b.id) && annot.is_none() {
                out.extend(crate::type_carriers::redeclaration(b.id, ident, mutability));
            } else if self.keep.redeclared.contains(&b.id) {
                out.push(parse_quote!(let #mutability #ident #annot;));
            }
        }
        out
    }

    fn block(&mut self, b: &Block) -> Option<Block> {
        let k = b.stmts.iter().position(|s| stmt_contains(s, self.n))?;
        let mut stmts = Vec::new();
        for s in &b.stmts[..k] {
            match s {
                Stmt::Local(l) => stmts.extend(self.rebind(&l.pat)),
                // An item declared earlier in the block (`const K`, `fn`,
                // `use`, `macro_rules!`) is declared again in this arm, which
                // is a block of its own: visible as in the user's block, and
                // a macro still defined before its later uses. (The body's
                // own items and every `static` are declared once, by the
                // function, see `prepare`.)
                Stmt::Item(_) => stmts.push(s.clone()),
                _ => {}
            }
        }
        match &b.stmts[k] {
            Stmt::Local(l) => {
                let init = l.init.as_ref()?;
                if contains(&init.expr, self.n) {
                    let mut l = l.clone();
                    if let Some(i) = &mut l.init {
                        *i.expr = self.expr(&init.expr);
                    }
                    stmts.push(Stmt::Local(l));
                } else {
                    // Resuming inside a `let .. else` block: it diverges, so
                    // nothing after it in this block runs.
                    let (_, els) = init.diverge.as_ref()?;
                    stmts.push(Stmt::Expr(self.expr(els), None));
                    return Some(Block {
                        brace_token: b.brace_token,
                        stmts,
                    });
                }
            }
            Stmt::Expr(e, semi) => stmts.push(Stmt::Expr(self.expr(e), *semi)),
            _ => return None,
        }
        stmts.extend(b.stmts[k + 1..].iter().cloned());
        Some(Block {
            brace_token: b.brace_token,
            stmts,
        })
    }

    fn block_expr(&mut self, b: &Block, prefix: Vec<Stmt>) -> Expr {
        let mut inner = self.block(b).unwrap_or_else(|| b.clone());
        if !prefix.is_empty() {
            let mut stmts = prefix;
            stmts.append(&mut inner.stmts);
            inner.stmts = stmts;
        }
        Expr::Block(syn::ExprBlock {
            attrs: Vec::new(),
            label: None,
            block: inner,
        })
    }

    fn iteration_labels(&mut self) -> (syn::Lifetime, syn::Lifetime) {
        self.next_label += 1;
        let label =
            |kind: &str| crate::names::hidden_label(&format!("'__lh_{kind}{}", self.next_label));
        (label("loop"), label("iteration"))
    }

    /// `'loop: { 'iter: { rest; } the_loop }`: the rest's `continue` leaves
    /// `'iter` for the loop, its `break v` leaves `'loop` with the value.
    /// Both are jumps rustc follows, so a local the rest assigns before
    /// `break` is initialised after the loop (`let body; loop { .. body =
    /// v; break; }`).
    fn resume_loop(&mut self, rest: Expr, label: Option<&syn::Label>, the_loop: Expr) -> Expr {
        let (whole, iter) = self.iteration_labels();
        let mut rest = rest;
        Retarget {
            label: label.map(|l| l.name.ident.to_string()),
            whole: whole.clone(),
            iter: iter.clone(),
            depth: 0,
            bound: &self.bound,
        }
        .visit_expr_mut(&mut rest);
        splice::expr(
            quote! {
                #whole: {
                    #iter: {
                        __lh_hole0;
                    }
                    __lh_hole1
                }
            },
            vec![rest, the_loop],
        )
    }

    fn expr(&mut self, e: &Expr) -> Expr {
        match e {
            // In braces, the value is moved out of the local into a
            // temporary of the statement, which ends where rustc ends it
            // (`x.await.touch();`, `let _ = x.await;` drop it there); bare,
            // the local would live to the next suspension.
            Expr::Await(a) if await_id(a) == Some(self.n) => {
                let v = resumed_value();
                parse_quote!({ #v })
            }
            Expr::Block(b) => {
                let mut out = b.clone();
                if let Some(blk) = self.block(&b.block) {
                    out.block = blk;
                }
                Expr::Block(out)
            }
            Expr::Unsafe(u) => {
                let mut out = u.clone();
                if let Some(blk) = self.block(&u.block) {
                    out.block = blk;
                }
                Expr::Unsafe(out)
            }
            Expr::If(i) => {
                if contains(&i.cond, self.n) {
                    let mut out = i.clone();
                    *out.cond = self.expr(&i.cond);
                    Expr::If(out)
                } else if i.then_branch.stmts.iter().any(|s| stmt_contains(s, self.n)) {
                    let prefix = cond_lets(&i.cond)
                        .iter()
                        .flat_map(|p| self.rebind(p))
                        .collect();
                    self.block_expr(&i.then_branch, prefix)
                } else if let Some((_, els)) = &i.else_branch {
                    self.expr(els)
                } else {
                    e.clone()
                }
            }
            Expr::Match(m) => {
                if contains(&m.expr, self.n) {
                    let mut out = m.clone();
                    *out.expr = self.expr(&m.expr);
                    return Expr::Match(out);
                }
                for arm in &m.arms {
                    if contains(&arm.body, self.n) {
                        let mut stmts = self.rebind(&arm.pat);
                        stmts.push(Stmt::Expr(self.expr(&arm.body), None));
                        return block_of(stmts);
                    }
                }
                e.clone()
            }
            // Resuming inside the right side of `l && r` or `l || r`: `l`
            // was evaluated before the suspension (true, or false), so the
            // value is `r`'s. (`l` is not read again, nor kept.)
            Expr::Binary(b)
                if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_))
                    && contains(&b.right, self.n) =>
            {
                self.expr(&b.right)
            }
            Expr::Loop(l) => {
                let rest = self.block_expr(&l.body, Vec::new());
                self.resume_loop(rest, l.label.as_ref(), e.clone())
            }
            Expr::While(w) => {
                let rest = if contains(&w.cond, self.n) {
                    let cond = self.expr(&w.cond);
                    let body = Expr::Block(syn::ExprBlock {
                        attrs: Vec::new(),
                        label: None,
                        block: w.body.clone(),
                    });
                    splice::expr(
                        quote!(if __lh_hole0 { __lh_hole1 } else { break }),
                        vec![cond, body],
                    )
                } else {
                    let prefix = cond_lets(&w.cond)
                        .iter()
                        .flat_map(|p| self.rebind(p))
                        .collect();
                    self.block_expr(&w.body, prefix)
                };
                self.resume_loop(rest, w.label.as_ref(), e.clone())
            }
            Expr::ForLoop(f) => {
                let mut out = f.clone();
                *out.expr = self.expr(&f.expr);
                Expr::ForLoop(out)
            }
            _ => {
                let mut out = e.clone();
                let n = self.n;
                for child in children(&mut out) {
                    if contains(child, n) {
                        *child = self.expr(child);
                        break;
                    }
                }
                out
            }
        }
    }
}

/// The patterns of the `let`s in an `if`/`while` condition.
fn cond_lets(e: &Expr) -> Vec<Pat> {
    match e {
        Expr::Let(l) => vec![(*l.pat).clone()],
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut v = cond_lets(&b.left);
            v.extend(cond_lets(&b.right));
            v
        }
        Expr::Paren(p) => cond_lets(&p.expr),
        _ => Vec::new(),
    }
}

/// The direct sub-expressions of an expression that is not control flow.
fn children(e: &mut Expr) -> Vec<&mut Expr> {
    match e {
        Expr::Array(a) => a.elems.iter_mut().collect(),
        Expr::Tuple(t) => t.elems.iter_mut().collect(),
        Expr::Assign(a) => vec![&mut *a.left, &mut *a.right],
        Expr::Binary(b) => vec![&mut *b.left, &mut *b.right],
        Expr::Call(c) => std::iter::once(&mut *c.func)
            .chain(c.args.iter_mut())
            .collect(),
        Expr::MethodCall(m) => std::iter::once(&mut *m.receiver)
            .chain(m.args.iter_mut())
            .collect(),
        Expr::Cast(c) => vec![&mut *c.expr],
        Expr::Field(f) => vec![&mut *f.base],
        Expr::Index(i) => vec![&mut *i.expr, &mut *i.index],
        Expr::Paren(p) => vec![&mut *p.expr],
        Expr::Group(g) => vec![&mut *g.expr],
        Expr::Range(r) => r
            .start
            .iter_mut()
            .chain(r.end.iter_mut())
            .map(|b| &mut **b)
            .collect(),
        Expr::Reference(r) => vec![&mut *r.expr],
        Expr::Repeat(r) => vec![&mut *r.expr],
        Expr::Return(r) => r.expr.iter_mut().map(|b| &mut **b).collect(),
        Expr::Break(b) => b.expr.iter_mut().map(|b| &mut **b).collect(),
        Expr::Struct(s) => s
            .fields
            .iter_mut()
            .map(|f| &mut f.expr)
            .chain(s.rest.iter_mut().map(|r| &mut **r))
            .collect(),
        Expr::Try(t) => vec![&mut *t.expr],
        Expr::Unary(u) => vec![&mut *u.expr],
        Expr::Let(l) => vec![&mut *l.expr],
        Expr::Await(a) => vec![&mut *a.base],
        _ => Vec::new(),
    }
}

/// Rewrites the `break`/`continue`s of a resumed iteration that leave the
/// loop being resumed into breaks out of the labeled blocks standing for
/// the loop (`break`) and for the iteration (`continue`).
struct Retarget<'a> {
    label: Option<String>,
    whole: syn::Lifetime,
    iter: syn::Lifetime,
    depth: usize,
    bound: &'a std::collections::HashSet<String>,
}

impl Retarget<'_> {
    fn targets_us(&self, label: &Option<syn::Lifetime>) -> bool {
        match label {
            None => self.depth == 0,
            Some(l) => Some(l.ident.to_string()) == self.label,
        }
    }
}

impl VisitMut for Retarget<'_> {
    fn visit_block_mut(&mut self, b: &mut Block) {
        visit_mut::visit_block_mut(self, b);
        if self.depth == 0 {
            let targets = crate::hidden_jumps::Targets {
                whole: &self.whole,
                iter: &self.iter,
                bound: self.bound,
            };
            crate::hidden_jumps::catch_in_block(b, &targets);
        }
    }
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Continue(c) if self.targets_us(&c.label) => {
                let iter = &self.iter;
                *e = splice::expr(quote!(break #iter), vec![]);
            }
            Expr::Break(b) if self.targets_us(&b.label) => {
                if let Some(v) = &mut b.expr {
                    self.visit_expr_mut(v);
                }
                crate::exits::break_to(b, &self.whole);
            }
            Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_) => {
                self.depth += 1;
                visit_mut::visit_expr_mut(self, e);
                self.depth -= 1;
            }
            Expr::Closure(_) | Expr::Async(_) => {}
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

fn block_of(stmts: Vec<Stmt>) -> Expr {
    Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: Block {
            brace_token: Default::default(),
            stmts,
        },
    })
}
