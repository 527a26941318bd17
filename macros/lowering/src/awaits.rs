//! Suspension points: the `.await`s that belong to the function being lowered.
//!
//! An `.await` inside a nested `async` block or `async` closure belongs to that
//! block (rustc lowers it, natively); one inside a nested item belongs to the
//! item. Everything else is a suspension point of this function. After
//! normalisation each one is numbered in the order it completes (a post-order
//! walk in evaluation order), which gives the `SuspendN` names, and carries its
//! number as an attribute `#[__lh_await(N)]` until emission.

use syn::visit::Visit;
use syn::{Expr, ExprAwait};

pub(crate) const TAG: &str = "__lh_await";

/// Does `e` contain a suspension point of this function that `wanted`
/// accepts? (The search the other helpers here share.)
pub fn contains_await_where(e: &Expr, wanted: &dyn Fn(&ExprAwait) -> bool) -> bool {
    let mut f = Find(wanted, false);
    f.visit_expr(e);
    f.1
}

/// [`contains_await_where`] for a statement.
pub fn stmt_contains_await_where(s: &syn::Stmt, wanted: &dyn Fn(&ExprAwait) -> bool) -> bool {
    let mut f = Find(wanted, false);
    f.visit_stmt(s);
    f.1
}

/// The search: has a suspension point that the filter accepts been seen?
struct Find<'w>(&'w dyn Fn(&ExprAwait) -> bool, bool);

impl<'a> Visit<'a> for Find<'_> {
    fn visit_expr_await(&mut self, a: &'a ExprAwait) {
        if (self.0)(a) {
            self.1 = true;
        }
        syn::visit::visit_expr_await(self, a);
    }
    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'a syn::Item) {}
    fn visit_expr(&mut self, e: &'a Expr) {
        if !self.1 {
            syn::visit::visit_expr(self, e);
        }
    }
    // A macro's expression arguments are the body's code: until
    // normalisation lifts them out, its `.await`s are in there.
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        if let Some(args) = crate::macro_args::parse(m) {
            self.1 |= args.args.iter().any(|a| contains_await_where(a, self.0));
        }
    }
}

/// Does `e` contain a suspension point of this function?
pub fn contains_await(e: &Expr) -> bool {
    contains_await_where(e, &|_| true)
}

/// Does the statement contain a suspension point?
pub fn stmt_contains_await(s: &syn::Stmt) -> bool {
    stmt_contains_await_where(s, &|_| true)
}

/// Does the block contain a suspension point?
pub fn block_contains_await(b: &syn::Block) -> bool {
    b.stmts.iter().any(stmt_contains_await)
}

/// The number of a tagged suspension point.
pub fn await_id(e: &ExprAwait) -> Option<usize> {
    crate::bindings::tag_number(&e.attrs, TAG)
}

/// Numbers every suspension point of `block` in completion order; returns how many.
pub fn number(block: &mut syn::Block) -> usize {
    struct Number(usize);
    impl syn::visit_mut::VisitMut for Number {
        fn visit_expr_await_mut(&mut self, e: &mut ExprAwait) {
            // The operand completes first: number inner awaits before this one.
            syn::visit_mut::visit_expr_await_mut(self, e);
            let n = self.0;
            self.0 += 1;
            e.attrs.retain(|a| !a.path().is_ident(TAG));
            e.attrs.push(syn::parse_quote!(#[__lh_await(#n)]));
        }
        fn visit_expr_assign_mut(&mut self, e: &mut syn::ExprAssign) {
            // `place = value` evaluates the value first.
            self.visit_expr_mut(&mut e.right);
            self.visit_expr_mut(&mut e.left);
        }
        fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
        fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    let mut n = Number(0);
    syn::visit_mut::VisitMut::visit_block_mut(&mut n, block);
    n.0
}

/// The tag that carries a suspension point's source text and line.
pub const TEXT: &str = "__lh_text";

/// Records, on each suspension point, its source text and line, for the
/// documentation of its state (before normalisation rewrites operands).
pub fn describe(block: &mut syn::Block) {
    struct Describe;
    impl syn::visit_mut::VisitMut for Describe {
        fn visit_expr_await_mut(&mut self, e: &mut ExprAwait) {
            // Described before the `.await`s in its operand are tagged, so
            // that its text is the source's.
            if !e.attrs.iter().any(|a| a.path().is_ident(TEXT)) {
                let base = &e.base;
                let text = match crate::yields::yielded(base) {
                    Some(v) => format!("yield_!({})", crate::text::compact(quote::quote!(#v))),
                    None => format!("{}.await", crate::text::compact(quote::quote!(#base))),
                };
                let line = e.await_token.span.start().line;
                e.attrs.push(syn::parse_quote!(#[__lh_text(#text, #line)]));
            }
            // (Otherwise described where it was made: a lowered `join!`.)
            syn::visit_mut::visit_expr_await_mut(self, e);
        }
        fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
            // An `.await` among a macro's expression arguments is lowered too.
            crate::macro_args::edit(m, |args| {
                args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
            });
        }
        fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
        fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    syn::visit_mut::VisitMut::visit_block_mut(&mut Describe, block);
}

/// The (text, line) of each numbered suspension point.
pub fn descriptions(block: &syn::Block, count: usize) -> Vec<(String, Option<usize>)> {
    struct Read(Vec<(String, Option<usize>)>);
    impl<'a> Visit<'a> for Read {
        fn visit_expr_await(&mut self, e: &'a ExprAwait) {
            syn::visit::visit_expr_await(self, e);
            let Some(n) = await_id(e) else { return };
            let Some(attr) = e.attrs.iter().find(|a| a.path().is_ident(TEXT)) else {
                return;
            };
            let parsed = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Lit, syn::Token![,]>::parse_terminated,
            );
            if let (Ok(args), Some(slot)) = (parsed, self.0.get_mut(n)) {
                let mut it = args.into_iter();
                if let Some(syn::Lit::Str(s)) = it.next() {
                    slot.0 = s.value();
                }
                if let Some(syn::Lit::Int(i)) = it.next() {
                    slot.1 = i.base10_parse().ok().filter(|l: &usize| *l > 0);
                }
            }
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut r = Read(vec![(String::from(".await"), None); count]);
    r.visit_block(block);
    r.0
}

/// Does evaluating `e` always end in a suspension (or leave the enclosing
/// code with `return`/`break`/`continue`) before completing normally?
/// Syntactic and conservative: `false` when unsure.
pub fn diverges(e: &Expr) -> bool {
    diverges_at(e, &|a| await_id(a).is_some())
}

/// [`diverges`] for a statement.
pub fn stmt_diverges(s: &syn::Stmt) -> bool {
    stmt_diverges_at(s, &|a| await_id(a).is_some())
}

/// [`diverges`], counting as suspensions only the points `suspends` accepts.
pub fn diverges_at(e: &Expr, suspends: &dyn Fn(&ExprAwait) -> bool) -> bool {
    let diverges = |e: &Expr| diverges_at(e, suspends);
    let stmt_diverges = |s: &syn::Stmt| stmt_diverges_at(s, suspends);
    // A loop or labeled block diverges when what its body runs first
    // always suspends (or leaves) before a `break` can leave it.
    let diverges_before_break = |stmts: &[syn::Stmt], label: Option<&syn::Label>| {
        let label = label.map(|l| l.name.ident.to_string());
        match stmts.iter().position(stmt_diverges) {
            Some(k) => !stmts[..=k].iter().any(|s| breaks_out(s, label.as_deref())),
            None => false,
        }
    };
    match e {
        Expr::Await(a) => suspends(a) || diverges(&a.base),
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => true,
        Expr::Array(a) => a.elems.iter().any(diverges),
        Expr::Tuple(t) => t.elems.iter().any(diverges),
        Expr::Call(c) => diverges(&c.func) || c.args.iter().any(diverges),
        Expr::MethodCall(m) => diverges(&m.receiver) || m.args.iter().any(diverges),
        Expr::Binary(b) => match b.op {
            syn::BinOp::And(_) | syn::BinOp::Or(_) => diverges(&b.left),
            _ => diverges(&b.left) || diverges(&b.right),
        },
        Expr::Assign(a) => diverges(&a.left) || diverges(&a.right),
        Expr::Index(i) => diverges(&i.expr) || diverges(&i.index),
        Expr::Struct(s) => {
            s.fields.iter().any(|f| diverges(&f.expr)) || s.rest.as_deref().is_some_and(diverges)
        }
        Expr::Range(r) => {
            r.start.as_deref().is_some_and(diverges) || r.end.as_deref().is_some_and(diverges)
        }
        Expr::Cast(c) => diverges(&c.expr),
        Expr::Field(f) => diverges(&f.base),
        Expr::Paren(p) => diverges(&p.expr),
        Expr::Group(g) => diverges(&g.expr),
        Expr::Reference(r) => diverges(&r.expr),
        Expr::Repeat(r) => diverges(&r.expr),
        Expr::Try(t) => diverges(&t.expr),
        Expr::Unary(u) => diverges(&u.expr),
        Expr::Let(l) => diverges(&l.expr),
        Expr::Block(b) if b.label.is_none() => b.block.stmts.iter().any(stmt_diverges),
        // (A cut let-chain's `else` that returns, see `let_chains`.)
        Expr::Block(b) => diverges_before_break(&b.block.stmts, b.label.as_ref()),
        Expr::Unsafe(u) => u.block.stmts.iter().any(stmt_diverges),
        Expr::If(i) => {
            diverges(&i.cond)
                || (i.then_branch.stmts.iter().any(stmt_diverges)
                    && i.else_branch.as_ref().is_some_and(|(_, e)| diverges(e)))
        }
        // (An empty `match` never completes: its scrutinee has no value,
        // as in the `match never {}` longhand writes for `bail!`.)
        Expr::Match(m) => diverges(&m.expr) || m.arms.iter().all(|a| diverges(&a.body)),
        Expr::While(w) => diverges(&w.cond),
        Expr::Loop(l) => diverges_before_break(&l.body.stmts, l.label.as_ref()),
        Expr::ForLoop(f) => diverges(&f.expr),
        Expr::Macro(m) => never_returns(&m.mac),
        _ => false,
    }
}

/// Is `mac` a macro that never completes (`panic!`, `unreachable!`,
/// `todo!`, `unimplemented!`)? Code after it is not reached either.
pub fn never_returns(mac: &syn::Macro) -> bool {
    matches!(
        crate::macro_args::name(mac).as_str(),
        "panic" | "unreachable" | "todo" | "unimplemented"
    )
}

/// [`diverges_at`] for a statement.
pub fn stmt_diverges_at(s: &syn::Stmt, suspends: &dyn Fn(&ExprAwait) -> bool) -> bool {
    match s {
        syn::Stmt::Local(l) => l
            .init
            .as_ref()
            .is_some_and(|i| diverges_at(&i.expr, suspends)),
        syn::Stmt::Expr(e, _) => diverges_at(e, suspends),
        syn::Stmt::Macro(m) => never_returns(&m.mac),
        _ => false,
    }
}

/// Does `s` contain a `break` that leaves the loop labelled `label` (or the
/// innermost loop, for an unlabelled `break` outside nested loops)?
fn breaks_out(s: &syn::Stmt, label: Option<&str>) -> bool {
    struct Find<'l> {
        label: Option<&'l str>,
        depth: usize,
        found: bool,
    }
    impl<'a> Visit<'a> for Find<'_> {
        fn visit_expr_break(&mut self, b: &'a syn::ExprBreak) {
            match &b.label {
                None if self.depth == 0 => self.found = true,
                Some(l) if Some(l.ident.to_string().as_str()) == self.label => self.found = true,
                _ => {}
            }
            syn::visit::visit_expr_break(self, b);
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            match e {
                Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_) => {
                    self.depth += 1;
                    syn::visit::visit_expr(self, e);
                    self.depth -= 1;
                }
                Expr::Closure(_) | Expr::Async(_) => {}
                _ => syn::visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut f = Find {
        label,
        depth: 0,
        found: false,
    };
    f.visit_stmt(s);
    f.found
}
