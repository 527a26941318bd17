//! Shapes of syntax the liveness walk recognises without types: how a
//! pattern uses its scrutinee, which expression takes a local's address as
//! a raw pointer, what a closure consumes or gives away, which `let`
//! declares a `Box` or the sending half of a oneshot channel.

use super::*;

/// How matching `pat` uses its scrutinee: a `ref` binding borrows it in
/// place and keeps it alive (a binding by value beside it, `(ref d, n)`, is
/// taken as a copy: a partly moved value could not be kept, and rustc then
/// reports the move out of the kept place); otherwise a binding by value
/// moves from it. `let _ = x;` moves nothing.
pub(super) fn scrutinee_use(pat: &Pat) -> UseKind {
    if crate::bindings::binds_by_ref(pat) || !binds_by_value(pat) {
        UseKind::Borrow
    } else {
        UseKind::Move
    }
}

/// Is `e` a local or a field of one (`o`, `self.state.kind`), which a
/// pattern can move out of?
pub(super) fn local_place(e: &Expr) -> bool {
    match e {
        Expr::Path(p) => p.path.get_ident().is_some(),
        Expr::Field(f) => local_place(&f.base),
        Expr::Paren(p) => local_place(&p.expr),
        _ => false,
    }
}

/// The place whose address `e` takes as a raw pointer: `&raw mut x`,
/// `addr_of!(x)`, `&mut x as *mut T`, `x.as_mut_ptr()`. A raw pointer
/// carries no borrow the analysis can follow (it may be stored anywhere,
/// `reg.out.push(p)`), so such a local stays in place while it is in scope
/// at a suspension point, as in rustc's coroutine: moved into the state
/// and back, it would leave the pointer behind.
pub(super) fn raw_address_of(e: &Expr) -> Option<Expr> {
    let unparen = |e: &Expr| -> Expr {
        let mut e = e;
        while let Expr::Paren(p) = e {
            e = &p.expr;
        }
        e.clone()
    };
    match e {
        Expr::RawAddr(r) => Some(unparen(&r.expr)),
        Expr::Macro(m)
            if matches!(macro_args::name(&m.mac).as_str(), "addr_of" | "addr_of_mut") =>
        {
            m.mac.parse_body::<Expr>().ok().map(|x| unparen(&x))
        }
        Expr::Cast(c) if matches!(&*c.ty, syn::Type::Ptr(_)) => match unparen(&c.expr) {
            Expr::Reference(r) => Some(unparen(&r.expr)),
            _ => None,
        },
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(m.method.to_string().as_str(), "as_ptr" | "as_mut_ptr") =>
        {
            Some(unparen(&m.receiver))
        }
        _ => None,
    }
}

/// `drop(x)` on a plain local `x` (`mem::drop`, `std::mem::drop`, ..):
/// inside a closure or `async` block, the one use that says for sure that
/// the body consumes what it captured, whatever `x`'s type (dropping a
/// `Copy` value is linted against). rustc then captures `x` by value, with
/// or without `move`, and the closure is an `FnOnce`. Returns `x`.
pub(super) fn consumes_capture(c: &syn::ExprCall) -> Option<&Expr> {
    let Expr::Path(f) = &*c.func else { return None };
    let names: Vec<String> = f
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let is_drop = matches!(
        names.iter().map(String::as_str).collect::<Vec<_>>()[..],
        ["drop"] | ["mem", "drop"] | ["std" | "core", "mem", "drop"]
    );
    match c.args.iter().collect::<Vec<_>>()[..] {
        [x @ Expr::Path(p)] if is_drop && f.qself.is_none() && p.path.get_ident().is_some() => {
            Some(x)
        }
        _ => None,
    }
}

/// The plain locals a `move` closure's body gives away: its result, or part
/// of it (`move || d`, `move || (d, 1)`, `move || Some(d)`, `move || S { d }`,
/// `return d`), through blocks, `if` and `match` arms. Moving a capture out
/// makes the closure an `FnOnce` (its call consumes it) when the capture is
/// not `Copy`. When it is, the closure is an `Fn`; counting its call as a
/// move is harmless only if the closure owns nothing with a destructor, so
/// the caller requires every capture to be given away (see
/// `gives_away_all`). A non-`move` closure is left alone: there rustc's
/// capture mode itself depends on whether the type is `Copy` (`|| n`
/// borrows `n: u32`).
pub(super) fn given_away<'a>(e: &'a Expr, out: &mut Vec<&'a syn::ExprPath>) {
    struct Returns<'a, 'o>(&'o mut Vec<&'a syn::ExprPath>);
    impl<'a> syn::visit::Visit<'a> for Returns<'a, '_> {
        fn visit_expr_return(&mut self, r: &'a syn::ExprReturn) {
            if let Some(e) = &r.expr {
                given_away(e, self.0);
            }
        }
        // (A nested closure or `async` block returns to its own caller.)
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    }
    // The statements are searched for `return`s, the tail given away (each
    // visited once: a path found twice would be counted twice).
    pub(super) fn tail<'a>(b: &'a syn::Block, out: &mut Vec<&'a syn::ExprPath>) {
        let (last, rest) = match b.stmts.split_last() {
            Some((syn::Stmt::Expr(e, None), rest)) => (Some(e), rest),
            _ => (None, &b.stmts[..]),
        };
        for s in rest {
            syn::visit::Visit::visit_stmt(&mut Returns(out), s);
        }
        if let Some(e) = last {
            given_away(e, out);
        }
    }
    let constructor = |f: &Expr| {
        matches!(f, Expr::Path(f) if f.path.segments.last().is_some_and(|s| {
            s.ident.to_string().starts_with(|ch: char| ch.is_ascii_uppercase())
        }))
    };
    match e {
        Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => out.push(p),
        Expr::Paren(p) => given_away(&p.expr, out),
        Expr::Group(g) => given_away(&g.expr, out),
        Expr::Tuple(t) => t.elems.iter().for_each(|x| given_away(x, out)),
        Expr::Array(a) => a.elems.iter().for_each(|x| given_away(x, out)),
        // A tuple struct or variant (`Some(d)`, `W(d)`), by its capital.
        Expr::Call(c) if constructor(&c.func) => c.args.iter().for_each(|x| given_away(x, out)),
        Expr::Struct(s) => s.fields.iter().for_each(|f| given_away(&f.expr, out)),
        Expr::Block(b) => tail(&b.block, out),
        Expr::Unsafe(b) => tail(&b.block, out),
        Expr::If(i) => {
            tail(&i.then_branch, out);
            if let Some((_, e)) = &i.else_branch {
                given_away(e, out);
            }
        }
        Expr::Match(m) => m.arms.iter().for_each(|a| given_away(&a.body, out)),
        _ => syn::visit::Visit::visit_expr(&mut Returns(out), e),
    }
}

/// How many times each identifier occurs in `tokens` (macro arguments
/// included, since longhand cannot parse them all).
pub(super) fn count_idents(tokens: proc_macro2::TokenStream, counts: &mut HashMap<String, usize>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => *counts.entry(i.to_string()).or_default() += 1,
            proc_macro2::TokenTree::Group(g) => count_idents(g.stream(), counts),
            _ => {}
        }
    }
}

/// Is `l`'s value built by `Box::new(..)`?
pub(super) fn built_by_box_new(l: &syn::Local) -> bool {
    l.init.as_ref().is_some_and(|i| {
        matches!(&*i.expr, Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if {
            let names = crate::names::path_names(&p.path);
            names.len() >= 2 && names[names.len() - 2..] == ["Box", "new"]
        }))
    })
}

/// Does `*x` as a value move out of a local bound by a pattern from
/// `value` (a `match` or `if let` scrutinee, a `for` loop's `next`, a
/// destructuring `let`'s value), where no type is written? A `Box`'s does
/// (`Some(b) => take(*b)`, `for b in boxes`); a guard's or an `Rc`'s copies
/// out of a value that lives on to the end of its scope. Without types, a
/// value is taken as possibly holding boxes unless it is made where guards
/// and shared pointers are made: an `.await` (`m.lock().await`,
/// `pool.get().await`), a `lock`, `borrow`, `read`, `write`, `clone` or
/// `upgrade` call, `Rc`/`Arc` paths. (A reference taken for a box costs
/// nothing: it has no destructor.)
pub(super) fn may_hold_box(value: &Expr) -> bool {
    struct Shared(bool);
    impl<'a> syn::visit::Visit<'a> for Shared {
        fn visit_expr_await(&mut self, _: &'a syn::ExprAwait) {
            self.0 = true;
        }
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            let name = m.method.to_string();
            let stem = name
                .trim_start_matches("try_")
                .trim_start_matches("blocking_")
                .trim_end_matches("_owned")
                .trim_end_matches("_mut");
            self.0 |= matches!(
                stem,
                "lock" | "borrow" | "read" | "write" | "clone" | "upgrade"
            );
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_path(&mut self, p: &'a syn::Path) {
            self.0 |= p
                .segments
                .iter()
                .any(|s| s.ident == "Rc" || s.ident == "Arc");
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    }
    let mut shared = Shared(false);
    syn::visit::Visit::visit_expr(&mut shared, value);
    !shared.0
}

/// The binding of `tx` in `let (tx, rx) = oneshot::channel();` (tokio's
/// and futures' oneshot, with or without a turbofish): its `send` takes
/// the sender by value, where every other channel's `send` borrows it.
pub(super) fn oneshot_sender(l: &syn::Local) -> Option<usize> {
    let Pat::Tuple(t) = &l.pat else { return None };
    let Expr::Call(c) = &*l.init.as_ref()?.expr else {
        return None;
    };
    let Expr::Path(p) = &*c.func else { return None };
    let names = crate::names::path_names(&p.path);
    if names.len() < 2 || names[names.len() - 2..] != ["oneshot", "channel"] {
        return None;
    }
    match t.elems.first()? {
        Pat::Ident(tx) if tx.subpat.is_none() && tx.by_ref.is_none() => crate::bindings::tag_of(tx),
        _ => None,
    }
}
