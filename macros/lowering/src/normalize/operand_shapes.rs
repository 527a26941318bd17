//! What an operand is, read from its syntax: a place or a value, whether it
//! borrows a temporary, makes a guard or an iterator, builds a fresh value,
//! or suspends; and the small rewrites hoisting applies to one.

use super::*;

/// Does `e` make a guard that derefs to what it guards (`RefCell::borrow`
/// and `borrow_mut`, a lock's `lock`, `read` and `write`, also unwrapped)?
/// Nothing can be moved out through one.
pub(super) fn returns_guard(e: &Expr) -> bool {
    match e {
        Expr::MethodCall(m) => match m.method.to_string().as_str() {
            "borrow" | "borrow_mut" | "lock" | "read" | "write" => true,
            "unwrap" | "expect" => returns_guard(&m.receiver),
            _ => false,
        },
        Expr::Await(a) => returns_guard(&a.base),
        Expr::Paren(p) => returns_guard(&p.expr),
        _ => false,
    }
}

/// `::core::iter::IntoIterator::into_iter`, as `DesugarFor` writes it.
pub(super) fn is_into_iter(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    crate::names::path_names(&p.path) == ["core", "iter", "IntoIterator", "into_iter"]
}

/// Is evaluating `e` later instead of now unobservable (a place, a path, a
/// literal, a closure)? Such operands stay where they are.
pub fn inert(e: &Expr) -> bool {
    match e {
        Expr::Path(_) | Expr::Lit(_) | Expr::Closure(_) => true,
        Expr::Reference(r) => place(&r.expr),
        Expr::Field(_) => place(e),
        Expr::Paren(p) => inert(&p.expr),
        Expr::Group(g) => inert(&g.expr),
        _ => false,
    }
}

/// Is `e` a place expression (which naming would move out of)? Unlike
/// `place`, an index or a dereference of a place counts.
pub(super) fn place_expression(e: &Expr) -> bool {
    match e {
        Expr::Path(_) => true,
        Expr::Field(f) => place_expression(&f.base),
        Expr::Index(i) => place_expression(&i.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => true,
        Expr::Paren(p) => place_expression(&p.expr),
        Expr::Group(g) => place_expression(&g.expr),
        _ => false,
    }
}

pub(super) fn place(e: &Expr) -> bool {
    match e {
        Expr::Path(_) => true,
        Expr::Field(f) => place(&f.base),
        Expr::Paren(p) => place(&p.expr),
        Expr::Group(g) => place(&g.expr),
        _ => false,
    }
}

/// `e`, its temporaries ended where it is evaluated: `{ let v = e; v }`
/// (a `let` ends its statement's temporaries, in every edition), unless it
/// makes none (places, literals and operators on them).
pub(super) fn ending_temporaries(e: Expr) -> Expr {
    fn plain(e: &Expr) -> bool {
        match e {
            Expr::Lit(_) | Expr::Path(_) => true,
            Expr::Field(f) => plain(&f.base),
            Expr::Paren(p) => plain(&p.expr),
            Expr::Unary(u) => plain(&u.expr),
            Expr::Cast(c) => plain(&c.expr),
            Expr::Reference(r) => plain(&r.expr),
            Expr::Binary(b) => plain(&b.left) && plain(&b.right),
            Expr::Index(i) => plain(&i.expr) && plain(&i.index),
            _ => false,
        }
    }
    if plain(&e) {
        return e;
    }
    let v = crate::names::hidden("__lh_operand");
    crate::splice::expr(quote::quote!({ let #v = __lh_hole0; #v }), vec![e])
}

/// Puts the temporary `tmp` where `e` was (in braces if `moved`, which says
/// it is moved, never borrowed) and returns `e`. The use is located at `e`,
/// at its last token (the user's `?` or `.await`, where earlier steps may
/// have wrapped its start in generated code), so that rustc reports what it
/// finds wrong with it (a move out of a kept temporary, say) at the user's
/// expression rather than at the attribute.
pub(super) fn take_into(tmp: &proc_macro2::Ident, e: &mut Expr, moved: bool) -> Expr {
    let last = quote::ToTokens::to_token_stream(&*e)
        .into_iter()
        .last()
        .map(|t| match t {
            TokenTree::Group(g) => g.span_close(),
            t => t.span(),
        });
    let at = proc_macro2::Ident::new(
        &tmp.to_string(),
        tmp.span()
            .located_at(last.unwrap_or_else(|| syn::spanned::Spanned::span(&*e))),
    );
    let with = if moved {
        parse_quote!({ #at })
    } else {
        parse_quote!(#at)
    };
    std::mem::replace(e, with)
}

/// Takes off the `match value { tmp => .. }` that `Hoist::wrap` put around
/// `e`, outermost first, adding each to `lifted`: the expression that holds
/// `e` lifts them with its own, so that they live as long.
pub(super) fn unwrap_hoisted(e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
    while let Expr::Match(m) = e
        && hoisted(m)
        && let Some(arm) = m.arms.pop()
        && let syn::Pat::Ident(tmp) = arm.pat
    {
        lifted.push((tmp.ident, std::mem::replace(&mut *m.expr, parse_quote!(()))));
        *e = *arm.body;
    }
}

/// Takes off the hoisted temporaries (see `unwrap_hoisted`) of what `e`
/// evaluates first: itself, or the operand of a `?`, cast, field access or
/// unary operator, or the first operand of a value it builds.
pub(super) fn hoisted_lead(e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
    unwrap_hoisted(e, lifted);
    match e {
        Expr::Try(t) => hoisted_lead(&mut t.expr, lifted),
        Expr::Paren(p) => hoisted_lead(&mut p.expr, lifted),
        Expr::Cast(c) => hoisted_lead(&mut c.expr, lifted),
        Expr::Field(f) => hoisted_lead(&mut f.base, lifted),
        Expr::Unary(u) => hoisted_lead(&mut u.expr, lifted),
        _ if builds_value(e) => {
            if let Some(first) = operands(e).into_iter().next() {
                hoisted_lead(first, lifted);
            }
        }
        _ => {}
    }
}

/// Is `m` a `match value { tmp => e }` that `Hoist::wrap` made?
pub(super) fn hoisted(m: &syn::ExprMatch) -> bool {
    matches!(m.arms.as_slice(), [arm] if arm.guard.is_none()
        && matches!(&arm.pat, syn::Pat::Ident(p) if p.subpat.is_none()
            && p.ident.to_string().starts_with("__tmp")))
}

/// Does `e` borrow a temporary it creates (`&make()`), where
/// `Hoist::lift_borrowed` finds it: not in a branch, block or closure (a
/// `match`'s scrutinee is not a branch)?
pub(super) fn borrows_temporary(e: &mut Expr) -> bool {
    match e {
        Expr::Reference(r) => borrows_new_value(r),
        Expr::MethodCall(m) if borrows_receiver_temporary(m) => true,
        Expr::Match(m) if !hoisted(m) => borrows_temporary(&mut m.expr),
        Expr::Paren(p) => borrows_temporary(&mut p.expr),
        Expr::Group(g) => borrows_temporary(&mut g.expr),
        Expr::Cast(c) => borrows_temporary(&mut c.expr),
        Expr::Field(f) => borrows_temporary(&mut f.base),
        Expr::Try(t) => borrows_temporary(&mut t.expr),
        Expr::Unary(u) => borrows_temporary(&mut u.expr),
        _ if builds_value(e) => operands(e).into_iter().any(borrows_temporary),
        _ => false,
    }
}

/// Is `m` a method that borrows its receiver, called on a temporary (or a
/// place in one: `make().items.len()`)? rustc keeps that temporary to the end
/// of the statement. Only methods that borrow their receiver whatever the
/// type are known (`len`, `next`, `get`, ...): one taking `self`
/// (a builder's, `send`) consumes the temporary, which must then not be
/// kept, and without types the two cannot be told apart otherwise.
pub(super) fn borrows_receiver_temporary(m: &syn::ExprMethodCall) -> bool {
    let name = m.method.to_string();
    let borrowing = takes_receiver_mutably(&name)
        || matches!(
            name.as_str(),
            "len"
                | "is_empty"
                | "get"
                | "first"
                | "contains"
                | "contains_key"
                | "starts_with"
                | "ends_with"
                | "as_str"
                | "as_slice"
                | "as_bytes"
                | "as_ref"
                | "as_deref"
                | "iter"
                | "keys"
                | "values"
                | "chars"
                | "bytes"
                | "lines"
                | "trim"
                | "to_string"
                | "to_owned"
                | "to_vec"
                | "clone"
                | "capacity"
        );
    let base = borrowed_temporary_ref(&m.receiver);
    borrowing && !place_expression(base) && !returns_reference(base)
}

/// Is `e` a method call known to return a reference or a borrowing view
/// (`it.as_ref()`, `s.trim()`, `v.iter()`)? Nothing to drop then, and
/// naming it would only make its lifetime a stored one.
pub(super) fn returns_reference(e: &Expr) -> bool {
    let Expr::MethodCall(m) = e else { return false };
    matches!(
        m.method.to_string().as_str(),
        "as_ref"
            | "as_mut"
            | "as_str"
            | "as_slice"
            | "as_bytes"
            | "as_deref"
            | "as_deref_mut"
            | "trim"
            | "trim_start"
            | "trim_end"
            | "get"
            | "get_mut"
            | "first"
            | "last"
            | "iter"
            | "iter_mut"
            | "chars"
            | "bytes"
            | "lines"
            | "keys"
            | "values"
            | "deref"
            | "deref_mut"
    )
}

/// Methods of the list above that borrow their receiver mutably.
pub(super) fn takes_receiver_mutably(name: &str) -> bool {
    matches!(
        name,
        "next" | "next_back" | "peek" | "get_mut" | "first_mut" | "as_mut" | "iter_mut"
    )
}

/// `borrowed_temporary` without changing anything.
pub(super) fn borrowed_temporary_ref(e: &Expr) -> &Expr {
    match e {
        Expr::Field(f) => borrowed_temporary_ref(&f.base),
        Expr::Index(i) => borrowed_temporary_ref(&i.expr),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => borrowed_temporary_ref(expr),
        Expr::Paren(p) => borrowed_temporary_ref(&p.expr),
        Expr::Group(g) => borrowed_temporary_ref(&g.expr),
        value => value,
    }
}

/// Does `r` borrow a temporary: a value it computes (`&make()`) or a place
/// in one (`&make().body`, `&make()[0]`, `&*make()`)? Not a place of a
/// local, nor a constant that rustc promotes to a `'static`
/// (`&[1, 2]`).
pub(super) fn borrows_new_value(r: &syn::ExprReference) -> bool {
    fn temporary(e: &Expr, shared: bool) -> bool {
        match e {
            Expr::Path(_) => false,
            Expr::Field(f) => temporary(&f.base, shared),
            Expr::Index(i) => temporary(&i.expr, shared),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => temporary(&u.expr, shared),
            Expr::Paren(p) => temporary(&p.expr, shared),
            Expr::Group(g) => temporary(&g.expr, shared),
            // Only a shared borrow of a constant is promoted.
            _ => !(shared && promoted(e)),
        }
    }
    temporary(&r.expr, r.mutability.is_none())
}

/// The temporary that borrowing `e` borrows, where `borrows_new_value`.
pub(super) fn borrowed_temporary(e: &mut Expr) -> &mut Expr {
    match e {
        Expr::Field(f) => borrowed_temporary(&mut f.base),
        Expr::Index(i) => borrowed_temporary(&mut i.expr),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => borrowed_temporary(expr),
        Expr::Paren(p) => borrowed_temporary(&mut p.expr),
        Expr::Group(g) => borrowed_temporary(&mut g.expr),
        value => value,
    }
}

/// A constant rustc promotes to a `'static` when it is borrowed: a literal,
/// or an array or tuple of them.
pub(super) fn promoted(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) => true,
        Expr::Array(a) => a.elems.iter().all(promoted),
        Expr::Tuple(t) => t.elems.iter().all(promoted),
        Expr::Paren(p) => promoted(&p.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => promoted(&u.expr),
        _ => false,
    }
}

/// The operands of `e` that rustc evaluates in order, left to right.
pub(super) fn operands(e: &mut Expr) -> Vec<&mut Expr> {
    match e {
        Expr::Array(a) => a.elems.iter_mut().collect(),
        Expr::Tuple(t) => t.elems.iter_mut().collect(),
        Expr::Call(c) => std::iter::once(&mut *c.func)
            .chain(c.args.iter_mut())
            .collect(),
        Expr::MethodCall(m) => std::iter::once(&mut *m.receiver)
            .chain(m.args.iter_mut())
            .collect(),
        Expr::Binary(b) if !is_assign_op(&b.op) => vec![&mut *b.left, &mut *b.right],
        Expr::Index(i) => vec![&mut *i.expr, &mut *i.index],
        // `place = value`: the value is evaluated before the place.
        Expr::Assign(a) => vec![&mut *a.right, &mut *a.left],
        Expr::Struct(s) => s
            .fields
            .iter_mut()
            .map(|f| &mut f.expr)
            .chain(s.rest.iter_mut().map(|r| &mut **r))
            .collect(),
        Expr::Range(r) => r
            .start
            .iter_mut()
            .chain(r.end.iter_mut())
            .map(|b| &mut **b)
            .collect(),
        _ => Vec::new(),
    }
}

/// Is `e` an expression whose operands all become part of a new value
/// (rather than a place, or a short-circuiting operator)?
pub(super) fn builds_value(e: &Expr) -> bool {
    match e {
        Expr::Call(_) | Expr::MethodCall(_) | Expr::Array(_) | Expr::Tuple(_) | Expr::Struct(_) => {
            true
        }
        Expr::Binary(b) => {
            !is_assign_op(&b.op) && !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_))
        }
        _ => false,
    }
}

/// Is `op` a comparison (`==`, `<`, ..), which borrows its operands?
pub(super) fn is_comparison(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(op, Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_))
}

/// Is `op` a compound assignment (`+=`, `<<=`, ..)?
pub fn is_assign_op(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Does a closure or `async` block follow operand `last` of `e`, which
/// suspends on some paths only?
pub(super) fn closure_follows(e: &mut Expr, last: usize) -> bool {
    let ops = operands(e);
    crate::joins::paths_meet(ops[last])
        && ops[last + 1..]
            .iter()
            .any(|op| crate::joins::has_closure(op))
}

/// Is `e` a let-chain: `&&`s with a `let` among their operands?
pub(super) fn let_chain(e: &Expr) -> bool {
    match e {
        Expr::Let(_) => true,
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let_chain(&b.left) || let_chain(&b.right)
        }
        _ => false,
    }
}

/// Operands are hoisted up to the last one that suspends.
pub(super) fn last_suspending(e: &mut Expr) -> Option<usize> {
    operands(e).iter().rposition(|op| contains_await(op))
}

/// Does `code` name any of the locals `scrutinee` reads (`self` in
/// `self.snap().mode`, `code` in `resp(code).code`)? Read from tokens, so
/// that macro arguments count, and any identifier counts: a field or a
/// function named like the local is taken as a use, which errs towards
/// "yes".
///
/// A temporary built from such a local may borrow it (`self.config()`
/// returning `&Config`); kept to the end of a `match` whose arms use the
/// local again (`self.n += 1`), the kept borrow would conflict with that
/// use, where rustc's, which has no destructor, ends where it is last read.
pub(super) fn mentions_locals_of(scrutinee: &Expr, code: TokenStream) -> bool {
    struct Locals(Vec<proc_macro2::Ident>);
    impl<'a> syn::visit::Visit<'a> for Locals {
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            if p.qself.is_none()
                && let Some(id) = p.path.get_ident()
            {
                self.0.push(id.clone());
            }
        }
        fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
            // The callee's own name is not a local it reads.
            if !matches!(&*c.func, Expr::Path(_)) {
                self.visit_expr(&c.func);
            }
            c.args.iter().for_each(|a| self.visit_expr(a));
        }
    }
    let mut locals = Locals(Vec::new());
    syn::visit::Visit::visit_expr(&mut locals, scrutinee);
    fn names(code: TokenStream, locals: &[proc_macro2::Ident]) -> bool {
        code.into_iter().any(|t| match t {
            TokenTree::Ident(i) => locals.contains(&i),
            TokenTree::Group(g) => names(g.stream(), locals),
            _ => false,
        })
    }
    !locals.0.is_empty() && names(code, &locals.0)
}
