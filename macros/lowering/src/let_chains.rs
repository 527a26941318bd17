//! Let-chains whose later operands await, cut into nested `if`s.
//!
//! rustc runs `if let Some(d) = lookup(k).await && let Ok(n) = check(&d).await
//! && n > 0 { T } else { E }` operand by operand: each `let`'s bindings are in
//! scope for the operands after it and for `T`, and when an operand fails,
//! what the chain bound so far is dropped before `E` runs (edition 2024). The
//! lowering handles an `.await` in a condition's first operand and after
//! plain operands, but not after a `let` (its bindings would have to be kept
//! across the suspension while the condition is still being tested). So the
//! chain is cut before each later operand that awaits, and every part becomes
//! an `if` of its own, which awaits only in its first operand:
//!
//! ```text
//! '__lh_chain0: {
//!     if let Some(d) = lookup(k).await {
//!         if let Ok(n) = check(&d).await && n > 0 {
//!             break '__lh_chain0 { T };
//!         }
//!     }
//!     E
//! }
//! ```
//!
//! When the body awaits, each `let` becomes a part of its own as well: an
//! `if let` alone has its scrutinee's temporaries named and kept across the
//! body's awaits (`normalize`), as rustc keeps a chain's to the end of the
//! `if`.
//!
//! A failed part ends its `if`, which drops its bindings (the innermost
//! first), and then the ones around it, before `E`. A `while` loop's chain
//! becomes `loop { if part1 { if part2 { B; continue; } } break; }`, with the
//! `while`'s label.
//!
//! rustc refuses an unlabeled `break` or `continue` inside a labeled block
//! (E0695), so those in the `if` that leave an enclosing loop name it; a loop
//! without a label gets a hidden one.

use crate::awaits::{block_contains_await, contains_await};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Lifetime, parse_quote};

/// Cuts every let-chain of `block` that awaits after a `let` (outside
/// closures, `async` blocks and items, which are not lowered).
pub fn split(block: &mut syn::Block) {
    Split::default().visit_block_mut(block);
}

/// The enclosing loop an unlabeled `break` or `continue` would leave: its
/// label, or the hidden one it needs.
struct Frame {
    label: Option<Lifetime>,
    /// A hidden label was given out, to be set on the loop.
    hidden: bool,
}

#[derive(Default)]
struct Split {
    next: usize,
    next_loop: usize,
    loops: Vec<Frame>,
}

impl Split {
    /// The innermost loop's label, giving it a hidden one if it has none.
    fn loop_label(&mut self) -> Option<Lifetime> {
        let next = &mut self.next_loop;
        let frame = self.loops.last_mut()?;
        if frame.label.is_none() {
            frame.label = Some(hidden_label("'__lh_chain_loop", next));
            frame.hidden = true;
        }
        frame.label.clone()
    }

    /// Visits a loop's body with its frame; returns the hidden label it needs.
    fn in_loop(
        &mut self,
        label: Option<&syn::Label>,
        f: impl FnOnce(&mut Self),
    ) -> Option<syn::Label> {
        self.loops.push(Frame {
            label: label.map(|l| l.name.clone()),
            hidden: false,
        });
        f(self);
        let frame = self.loops.pop()?;
        let name = frame.label.filter(|_| frame.hidden)?;
        Some(syn::Label {
            name,
            colon_token: Default::default(),
        })
    }
}

fn hidden_label(prefix: &str, next: &mut usize) -> Lifetime {
    let label = crate::names::hidden_label(&format!("{prefix}{next}"));
    *next += 1;
    label
}

impl VisitMut for Split {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::If(i) = e
            && let Some(parts) = cut(&i.cond, block_contains_await(&i.then_branch))
        {
            let mut find = Relabel {
                target: None,
                found: false,
            };
            find.visit_expr_mut(e);
            if find.found
                && let Some(target) = self.loop_label()
            {
                Relabel {
                    target: Some(&target),
                    found: false,
                }
                .visit_expr_mut(e);
            }
            let Expr::If(i) = e else { return };
            let label = hidden_label("'__lh_chain", &mut self.next);
            let then = &i.then_branch;
            let mut nested: Expr = parse_quote!(break #label #then);
            for part in parts.into_iter().rev() {
                nested = parse_quote!(if #part { #nested; });
            }
            let rest = i.else_branch.as_ref().map(|(_, e)| e);
            let attrs = &i.attrs;
            *e = parse_quote!(#(#attrs)* { #label: { #nested #rest } });
            return visit_mut::visit_expr_mut(self, e);
        }
        if let Expr::While(w) = e
            && let Some(parts) = cut(&w.cond, block_contains_await(&w.body))
        {
            let label = w.label.as_ref().map(|l| &l.name);
            let body = &w.body;
            let mut nested: Expr = parse_quote!({ #body; continue #label; });
            for part in parts.into_iter().rev() {
                nested = parse_quote!(if #part { #nested });
            }
            let attrs = &w.attrs;
            let head = &w.label;
            *e = parse_quote!(#(#attrs)* #head loop { #nested break #label; });
            return self.visit_expr_mut(e);
        }
        match e {
            Expr::Loop(l) => {
                let body = &mut l.body;
                let hidden = self.in_loop(l.label.as_ref(), |s| s.visit_block_mut(body));
                l.label = l.label.take().or(hidden);
            }
            Expr::While(w) => {
                self.visit_expr_mut(&mut w.cond);
                let body = &mut w.body;
                let hidden = self.in_loop(w.label.as_ref(), |s| s.visit_block_mut(body));
                w.label = w.label.take().or(hidden);
            }
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                let body = &mut f.body;
                let hidden = self.in_loop(f.label.as_ref(), |s| s.visit_block_mut(body));
                f.label = f.label.take().or(hidden);
            }
            Expr::Closure(_) | Expr::Async(_) => {}
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// The parts of a let-chain condition that awaits after a `let`: its
/// `&&` operands, cut before each one (but the first) that awaits. When the
/// body awaits (`body_awaits`), each `let` is a part of its own too: an `if
/// let` alone keeps its scrutinee's temporaries (`let _ = D::new(..)`,
/// `let (ref d, n) = make()`) across the body's awaits, as rustc keeps a
/// chain's (see `normalize::NameBorrowedTemporaries`). `None` when the
/// condition needs no cut.
fn cut(cond: &Expr, body_awaits: bool) -> Option<Vec<Expr>> {
    let mut ops = Vec::new();
    flatten(cond, &mut ops);
    let is_let = |op: &Expr| matches!(op, Expr::Let(_));
    let first_let = ops.iter().position(|op| is_let(op))?;
    let awaits_after_let = ops[first_let + 1..].iter().any(|op| contains_await(op));
    if !(awaits_after_let || body_awaits && ops.len() > 1) {
        return None;
    }
    let mut parts: Vec<Expr> = Vec::new();
    let mut previous_let = false;
    for op in ops {
        let alone = body_awaits && (is_let(op) || previous_let);
        previous_let = is_let(op);
        match parts.last_mut() {
            Some(part) if !contains_await(op) && !alone => *part = parse_quote!(#part && #op),
            _ => parts.push(op.clone()),
        }
    }
    Some(parts)
}

/// The operands of a chain of `&&`s, left to right.
fn flatten<'e>(e: &'e Expr, ops: &mut Vec<&'e Expr>) {
    match e {
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            flatten(&b.left, ops);
            flatten(&b.right, ops);
        }
        _ => ops.push(e),
    }
}

/// Gives every unlabeled `break` and `continue` that leaves the enclosing
/// loop (not one inside a nested loop, closure, `async` block or item) the
/// loop's label; without a label, only says whether there is one.
struct Relabel<'t> {
    target: Option<&'t Lifetime>,
    found: bool,
}

impl VisitMut for Relabel<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Break(b) if b.label.is_none() => {
                self.found = true;
                if let Some(target) = self.target {
                    crate::exits::break_to(b, target);
                }
                visit_mut::visit_expr_mut(self, e);
            }
            Expr::Continue(c) if c.label.is_none() => {
                self.found = true;
                c.label = self.target.cloned();
            }
            Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Closure(_)
            | Expr::Async(_) => {}
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
