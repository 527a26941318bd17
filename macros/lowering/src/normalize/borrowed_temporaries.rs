//! Temporaries borrowed across a suspension point get a name, so that they
//! can be kept (or pinned) like any local and dropped where rustc drops them.

use super::operand_shapes::*;
use super::*;

/// Gives a name to a temporary that is borrowed across a suspension point,
/// so that it can be kept (or pinned) like any local:
///
/// - `let r = &make();` (rustc extends the temporary to the end of the
///   block) becomes `let tmp = make(); let r = &tmp;`, and `let (ref r, n)
///   = make();` the same;
/// - `match &make() { .. }` whose arms suspend (the temporary lives to the
///   end of the `match`) becomes `{ let tmp = make(); match &tmp { .. } }`,
///   and `if let` the same.
pub(super) struct NameBorrowedTemporaries {
    pub(super) next: usize,
}

impl NameBorrowedTemporaries {
    fn temp(&mut self) -> proc_macro2::Ident {
        crate::names::numbered("__temporary", &mut self.next)
    }

    /// The temporaries a `match` scrutinee creates and only borrows (the
    /// receiver of `make().len()`, at any depth of a method chain, the base
    /// of `make().items.len()` or `make()[0]`), which rustc keeps to the end
    /// of the `match`: named, in evaluation order, into `out`.
    /// `borrowed`: `e` is used as a place that nothing moves out of. A field
    /// of a temporary is named through its base only then (`match
    /// make().code { 200 => .. }`): a pattern binding by value may move the
    /// field out, and a partly moved value cannot be kept (such a temporary
    /// is still dropped at the first suspension).
    fn take_temporaries(
        &mut self,
        e: &mut Expr,
        borrowed: bool,
        out: &mut Vec<(proc_macro2::Ident, Expr)>,
    ) {
        match e {
            Expr::MethodCall(m) => {
                let consumed = crate::analysis::method_consumes_receiver(m);
                self.take_temporaries(&mut m.receiver, !consumed, out);
                if !consumed {
                    self.name_unless_place(&mut m.receiver, out);
                }
            }
            Expr::Reference(r) => {
                self.take_temporaries(&mut r.expr, true, out);
                self.name_unless_place(&mut r.expr, out);
            }
            // Through a guard (`c.borrow().n`, `m.lock().unwrap().len`) a
            // field cannot be moved out either: the pattern copies it.
            Expr::Field(f) if borrowed || returns_guard(&f.base) => {
                self.take_temporaries(&mut f.base, true, out);
                self.name_unless_place(&mut f.base, out);
            }
            // `Index::index` borrows its base whatever the pattern does.
            Expr::Index(i) => {
                self.take_temporaries(&mut i.expr, true, out);
                self.name_unless_place(&mut i.expr, out);
            }
            Expr::Paren(p) => self.take_temporaries(&mut p.expr, borrowed, out),
            // `lookup(&D::new("t"), k)`: what an argument borrows, as long as
            // nothing evaluated before it has an effect (naming it moves its
            // evaluation before the call's own).
            Expr::Call(c) if inert(&c.func) && !is_into_iter(&c.func) => {
                for arg in c.args.iter_mut() {
                    if matches!(arg, Expr::Reference(_)) {
                        self.take_temporaries(arg, false, out);
                    }
                    if !inert(arg) {
                        break;
                    }
                }
            }
            // A suspending `for` loop's head (see `DesugarFor`): its
            // temporaries live for the whole loop (`for x in make().iter()`).
            Expr::Call(c) if is_into_iter(&c.func) && c.args.len() == 1 => {
                if let Some(head) = c.args.first_mut() {
                    self.take_temporaries(head, false, out);
                }
            }
            _ => {}
        }
    }

    /// The temporaries of an `if let` or `while let` scrutinee whose body
    /// suspends: those `take_temporaries` names, and the value itself if the
    /// pattern leaves it in place (`Some(ref d)`, `Some(_)`).
    fn take_let_temporaries(
        &mut self,
        l: &mut syn::ExprLet,
        body: &syn::Block,
        out: &mut Vec<(proc_macro2::Ident, Expr)>,
    ) {
        let moves_nothing = !crate::bindings::may_move_out(&l.pat)
            && !mentions_locals_of(&l.expr, quote::quote!(#body));
        self.take_temporaries(&mut l.expr, moves_nothing, out);
        if crate::bindings::leaves_value_in_place(&l.pat) {
            self.name_unless_place(&mut l.expr, out);
        }
    }

    /// Replaces `e` by a named temporary holding its value, unless it is a
    /// place already.
    fn name_unless_place(&mut self, e: &mut Expr, out: &mut Vec<(proc_macro2::Ident, Expr)>) {
        if place_expression(e) {
            return;
        }
        let tmp = self.temp();
        let value = take_into(&tmp, e, false);
        out.push((tmp, value));
    }

    /// The temporaries a `let` initializer borrows and rustc extends to the
    /// end of the block: `&E` with `E` a temporary, also as an element of a
    /// tuple, array or struct literal (`(&make(), 1)`, `S { r: &make() }`).
    /// Each is taken out into `out`, leaving `&tmp` (`&make().field` leaves
    /// `&tmp.field`; a place of a local, and a constant rustc promotes to a
    /// `'static`, are not temporaries).
    /// Where the temporary is made only on some paths or among values that
    /// must be evaluated around it (an `if`, a `match`, a block's tail, a
    /// composite with other parts), it is declared before the `let` in
    /// `deferred` and assigned where it was made (see `extend_in_place`).
    fn take_extended(
        &mut self,
        e: &mut Expr,
        out: &mut Vec<(proc_macro2::Ident, Expr)>,
        deferred: &mut Vec<proc_macro2::Ident>,
    ) {
        match e {
            Expr::Reference(r) if borrows_new_value(r) => {
                let tmp = self.temp();
                let value = take_into(&tmp, borrowed_temporary(&mut r.expr), false);
                out.push((tmp, value));
            }
            Expr::Paren(p) => self.take_extended(&mut p.expr, out, deferred),
            Expr::If(_) | Expr::Match(_) | Expr::Block(_) | Expr::Cast(_) => {
                self.extend_in_place(e, deferred)
            }
            _ => {
                let Some(mut parts) = extending_parts(e) else {
                    return;
                };
                // Named first, the temporaries must be all the composite
                // evaluates: its other parts are places or constants.
                let extended = |x: &Expr| matches!(x, Expr::Reference(r) if borrows_new_value(r));
                if parts.iter().all(|x| extended(x) || inert(x) || promoted(x)) {
                    for x in parts.iter_mut() {
                        self.take_extended(x, out, deferred);
                    }
                } else {
                    for x in parts {
                        self.extend_in_place(x, deferred);
                    }
                }
            }
        }
    }

    /// `take_extended` where the temporary is made on some paths only, or
    /// between other values: `&make()` becomes `{ tmp = make(); &tmp }`
    /// with `tmp` declared before the `let` (pushed on `deferred`), through
    /// what rustc's extension reaches: an `if`'s and a `match`'s branches,
    /// a block's tail, the parts of a tuple, array or struct literal and a
    /// cast's operand.
    fn extend_in_place(&mut self, e: &mut Expr, deferred: &mut Vec<proc_macro2::Ident>) {
        match e {
            Expr::Reference(r) if borrows_new_value(r) => {
                let tmp = self.temp();
                let value = take_into(&tmp, borrowed_temporary(&mut r.expr), false);
                let borrow = std::mem::replace(e, parse_quote!(()));
                *e = crate::splice::expr(
                    quote::quote!({ #tmp = __lh_hole0; __lh_hole1 }),
                    vec![value, borrow],
                );
                deferred.push(tmp);
            }
            Expr::Paren(p) => self.extend_in_place(&mut p.expr, deferred),
            Expr::Cast(c) => self.extend_in_place(&mut c.expr, deferred),
            Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
                self.extend_tail(&mut b.block, deferred)
            }
            Expr::If(i) => {
                self.extend_tail(&mut i.then_branch, deferred);
                if let Some((_, other)) = &mut i.else_branch {
                    self.extend_in_place(other, deferred);
                }
            }
            Expr::Match(m) => {
                for arm in &mut m.arms {
                    self.extend_in_place(&mut arm.body, deferred);
                }
            }
            _ => {
                if let Some(parts) = extending_parts(e) {
                    for x in parts {
                        self.extend_in_place(x, deferred);
                    }
                }
            }
        }
    }

    /// `extend_in_place` on a block's tail expression.
    fn extend_tail(&mut self, b: &mut syn::Block, deferred: &mut Vec<proc_macro2::Ident>) {
        if let Some(Stmt::Expr(tail, None)) = b.stmts.last_mut() {
            self.extend_in_place(tail, deferred);
        }
    }
}

/// The parts of a tuple, array or struct literal, which a `let` extends the
/// borrowed temporaries of (not a struct's `..base`).
pub(super) fn extending_parts(e: &mut Expr) -> Option<Vec<&mut Expr>> {
    Some(match e {
        Expr::Tuple(t) => t.elems.iter_mut().collect(),
        Expr::Array(a) => a.elems.iter_mut().collect(),
        Expr::Struct(st) => st.fields.iter_mut().map(|f| &mut f.expr).collect(),
        _ => return None,
    })
}

/// Starts the `else` branch of `i` by dropping `temps`, latest first.
pub(super) fn drop_before_else(i: &mut syn::ExprIf, temps: &[proc_macro2::Ident]) {
    let Some((_, other)) = &mut i.else_branch else {
        // Without `else` they are dropped right after the `if` anyway.
        return;
    };
    if temps.is_empty() {
        return;
    }
    let drops = temps.iter().rev();
    let branch = std::mem::replace(&mut **other, parse_quote!({}));
    **other = parse_quote!({
        #(::longhand::__private::end_temporary(#drops);)*
        #branch
    });
}

impl VisitMut for NameBorrowedTemporaries {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let mut stmts = Vec::new();
        let old = std::mem::take(&mut b.stmts);
        // Whether a statement from this one on awaits.
        let mut awaits_from: Vec<bool> = old
            .iter()
            .rev()
            .scan(false, |after, s| {
                *after |= crate::awaits::stmt_contains_await(s);
                Some(*after)
            })
            .collect();
        awaits_from.reverse();
        for (mut s, awaits) in old.into_iter().zip(awaits_from) {
            self.visit_stmt_mut(&mut s);
            if let Stmt::Local(l) = &mut s
                && let Some(init) = &mut l.init
                && init.diverge.is_none()
                && awaits
            {
                let mut named = Vec::new();
                let mut deferred = Vec::new();
                self.take_extended(&mut init.expr, &mut named, &mut deferred);
                stmts.extend(
                    deferred
                        .into_iter()
                        .map(|tmp| -> Stmt { parse_quote!(let mut #tmp;) }),
                );
                // `let (ref d, n) = make();`: a `ref` binding extends the
                // temporary it borrows to the end of the block too.
                if crate::bindings::has_ref_binding(&l.pat) {
                    self.name_unless_place(&mut init.expr, &mut named);
                }
                stmts.extend(named.into_iter().map(|(tmp, value)| let_stmt(tmp, value)));
            }
            stmts.push(s);
        }
        b.stmts = stmts;
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        let mut named = Vec::new();
        match e {
            Expr::Match(m) if m.arms.iter().any(|a| contains_await(&a.body)) => {
                // No arm binds by value (`200 =>`, `Mode::Open =>`, `Some(ref
                // d) =>`): nothing moves out of a field of a temporary, which
                // is then named through its base (`make().code`), unless the
                // arms use a local the base may borrow.
                let arms = &m.arms;
                let moves_nothing = !arms.iter().any(|a| crate::bindings::may_move_out(&a.pat))
                    && !mentions_locals_of(&m.expr, quote::quote!(#(#arms)*));
                self.take_temporaries(&mut m.expr, moves_nothing, &mut named);
                // `Some(ref d) => { x.await; d.touch() }`, `Some(_) => {
                // x.await; }`: the value stays in place across the suspension
                // (borrowed, or not moved), to the end of the `match`.
                if m.arms.iter().any(|a| {
                    contains_await(&a.body) && crate::bindings::leaves_value_in_place(&a.pat)
                }) {
                    self.name_unless_place(&mut m.expr, &mut named);
                }
            }
            Expr::If(i) => {
                if let Expr::Let(l) = &mut *i.cond
                    && crate::awaits::block_contains_await(&i.then_branch)
                {
                    self.take_let_temporaries(l, &i.then_branch, &mut named);
                    // rustc drops an `if let`'s temporaries before `else`.
                    let temps: Vec<_> = named.iter().map(|(t, _)| t.clone()).collect();
                    drop_before_else(i, &temps);
                }
            }
            // rustc's own lowering, `loop { match E { P => body, _ => break } }`,
            // with the temporaries named inside: they live to the end of each
            // iteration's body, across its awaits.
            Expr::While(w) => {
                if let Expr::Let(l) = &mut *w.cond
                    && crate::awaits::block_contains_await(&w.body)
                {
                    self.take_let_temporaries(l, &w.body, &mut named);
                    if !named.is_empty() {
                        let lets = named.drain(..).map(|(t, v)| let_stmt(t, v));
                        let (label, pat, value, body) = (&w.label, &l.pat, &l.expr, &w.body);
                        *e = parse_quote!(#label loop {
                            #(#lets)*
                            match #value {
                                #pat => #body,
                                _ => break,
                            }
                        });
                    }
                }
            }
            _ => {}
        }
        if !named.is_empty() {
            let inner = std::mem::replace(e, parse_quote!(()));
            let mut stmts: Vec<Stmt> = named.into_iter().map(|(t, v)| let_stmt(t, v)).collect();
            stmts.push(Stmt::Expr(inner, None));
            *e = Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block: syn::Block {
                    brace_token: Default::default(),
                    stmts,
                },
            });
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
