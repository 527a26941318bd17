//! Hoisting: operands that rustc evaluates before an `.await` of the same
//! expression are moved into `match` temporaries, kept across the await and
//! dropped at the end of the statement; places stay places.

use super::later_uses::{LaterUses, changed_in};
use super::operand_shapes::*;
use super::*;

pub(super) struct Hoist {
    pub(super) next: usize,
    /// The temporaries borrowed mutably (`&mut make()`), bound `mut`.
    pub(super) mutable: std::collections::HashSet<String>,
    /// The names used after the code being visited (see `later_uses`).
    pub(super) later: LaterUses,
}

impl Hoist {
    fn temp(&mut self) -> proc_macro2::Ident {
        crate::names::numbered("__tmp", &mut self.next)
    }

    /// Replaces the operands of `target` up to `upto` (the last one only if
    /// `include_last`) that are not inert by temporaries; returns them in order.
    fn take_operands(
        &mut self,
        target: &mut Expr,
        upto: usize,
        include_last: bool,
    ) -> Vec<(proc_macro2::Ident, Expr)> {
        // The operands of `&&` and `||` end their own temporaries: the left
        // one's are dropped before the right one runs (and awaits). It is
        // lifted whole, in a `let` of its own if it may make temporaries.
        if let Expr::Binary(b) = target
            && matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_))
        {
            let mut lifted = Vec::new();
            if upto > 0 && (!inert(&b.left) || contains_await(&b.left)) {
                let tmp = self.temp();
                let value = take_into(&tmp, &mut b.left, false);
                lifted.push((tmp, ending_temporaries(value)));
            }
            return lifted;
        }
        // A method's receiver that is a place (`queues[i].push(x.await)`)
        // is borrowed or moved where it is used: only its index is lifted.
        if let Expr::MethodCall(m) = target
            && upto > 0
        {
            let mut lifted = Vec::new();
            if place_expression(&m.receiver) {
                self.lift_place_operands(&mut m.receiver, &mut lifted);
            } else if !inert(&m.receiver) || contains_await(&m.receiver) {
                self.lift_receiver(&mut m.receiver, &mut lifted);
            }
            let args = m.args.iter_mut().collect();
            lifted.extend(self.lift_operands(args, upto - 1, include_last, false, false));
            return lifted;
        }
        // An index's base that is a place (`g[i][x.await]`, `rows[0][..n.await]`)
        // is indexed where it is used, by reference or by value (a `Copy`
        // element), which longhand cannot tell: only its own indices are
        // lifted. Named, a non-`Copy` element would be moved out of its
        // collection. A base that hoisting has already wrapped
        // (`pend(..).await[i.await][j.await]`) gives its temporaries to this
        // index, so that what it indexes is a place again.
        if let Expr::Index(ix) = target
            && upto > 0
        {
            let mut lifted = Vec::new();
            unwrap_hoisted(&mut ix.expr, &mut lifted);
            self.lift_operand(&mut ix.expr, true, &mut lifted);
            if include_last {
                self.lift_operand(&mut ix.index, false, &mut lifted);
            }
            return lifted;
        }
        // A comparison borrows its operands (`PartialEq::eq(&a, &b)`): a place
        // among them (`row[1] == x.await`) stays where it is.
        let borrowed = matches!(target, Expr::Binary(b) if is_comparison(&b.op));
        let callee = matches!(target, Expr::Call(_));
        self.lift_operands(operands(target), upto, include_last, borrowed, callee)
    }

    /// Lifts `ops[..upto]` (and `ops[upto]` if `include_last`), those that
    /// are not inert, in order: operands of an expression, or a method's
    /// arguments; places among them stay if they are `borrowed` (see
    /// `lift_operand`). Otherwise they are taken by value, and a local no
    /// code after names is moved into a temporary too (see `later_uses`),
    /// except the first operand if it is a `callee` (`take2` in `take2(d,
    /// x.await)`).
    fn lift_operands(
        &mut self,
        ops: Vec<&mut Expr>,
        upto: usize,
        include_last: bool,
        borrowed: bool,
        callee: bool,
    ) -> Vec<(proc_macro2::Ident, Expr)> {
        let mut lifted = Vec::new();
        let changed = changed_later(&ops);
        for (i, op) in ops.into_iter().enumerate() {
            if i > upto || (i == upto && !include_last) {
                break;
            }
            let by_value = !borrowed && (i > 0 || !callee);
            if by_value && self.moved_local(op, changed[i]) {
                self.lift_value(op, &mut lifted);
            } else {
                self.lift_operand(op, borrowed, &mut lifted);
            }
        }
        lifted
    }

    /// Is `op` a local (a lower-case name) taken by value that no code
    /// after it names, or that a later operand `changed`? Moved into a
    /// temporary, it drops with the statement's temporaries, as in rustc
    /// (see `later_uses`).
    fn moved_local(&self, op: &Expr, changed: bool) -> bool {
        let Expr::Path(p) = op else { return false };
        let Some(name) = p.path.get_ident() else {
            return false;
        };
        let name = name.to_string();
        p.qself.is_none()
            && name
                .trim_start_matches("r#")
                .starts_with(|c: char| c.is_lowercase() || c == '_')
            && (changed || !self.later.named_later(&name))
    }

    /// Lifts operand `op` (see `lift_value`), unless evaluating it later
    /// is unobservable. A place `borrowed` where it is used (a method's
    /// receiver, a formatting macro's argument) stays where it is; only its
    /// operands are lifted (see `lift_place_operands`).
    fn lift_operand(
        &mut self,
        op: &mut Expr,
        borrowed: bool,
        lifted: &mut Vec<(proc_macro2::Ident, Expr)>,
    ) {
        if borrowed && place_expression(op) {
            self.lift_place_operands(op, lifted);
        } else if !inert(op) || contains_await(op) {
            self.lift_value(op, lifted);
        }
    }

    /// Lifts `op` into a temporary. rustc keeps every temporary of a
    /// statement alive to its end, so the temporaries `op` creates and then
    /// only borrows (the receiver of `make().len()`, the operand of
    /// `&make()`) are lifted too, before it, rather than dropped at the
    /// suspension.
    /// An assignment's value lifted first, then the indices of its place
    /// that are not inert, in order (`g[i()][j.await].n`): rustc's order for
    /// `=` and primitive `+=`. The place stays a place, its indices
    /// temporaries, and its suspension is in a temporary's initializer.
    fn value_then_place(
        &mut self,
        value: &mut Expr,
        place: &mut Expr,
    ) -> Vec<(proc_macro2::Ident, Expr)> {
        let mut lifted = Vec::new();
        self.lift_value(value, &mut lifted);
        self.lift_place_indices(place, &mut lifted);
        lifted
    }

    /// Lifts the indices of place `e` that are not inert, outermost base
    /// first: [`Self::lift_place_operands`] short of a dereference's
    /// operand, which an assignment's place writes through (`*guard() =
    /// v`), unless it suspends.
    fn lift_place_indices(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        self.lift_place_parts(e, lifted, false);
    }

    /// Visits the place of an assignment that suspends: its indices and
    /// any base that is not a place are normalised, while the index and
    /// field expressions themselves stay places (hoisted, an index of an
    /// index would be a `match`, which cannot be assigned to).
    fn visit_place(&mut self, e: &mut Expr) {
        match e {
            Expr::Index(i) => {
                self.visit_place(&mut i.expr);
                self.visit_expr_mut(&mut i.index);
            }
            Expr::Field(f) => self.visit_place(&mut f.base),
            Expr::Paren(p) => self.visit_place(&mut p.expr),
            Expr::Group(g) => self.visit_place(&mut g.expr),
            _ => self.visit_expr_mut(e),
        }
    }

    fn lift_value(&mut self, op: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        if let Expr::Reference(r) = op {
            if borrows_new_value(r) {
                // `&make()`, `&make().body`: the temporary is the value,
                // borrowed in place.
                self.lift_value(borrowed_temporary(&mut r.expr), lifted);
                self.borrowed(r, lifted);
                return;
            }
            if place(&r.expr) {
                return;
            }
            // `&v[i]`, `&*r`: the reference is taken now (indexing may
            // panic), and held across the suspension like any borrow.
        }
        self.lift_inside(op, lifted);
        let tmp = self.temp();
        // A block's value is moved out of it: `{ resp }.text()` says that
        // `text` consumes its receiver, where longhand cannot see types. The
        // temporary keeps the braces, so it is moved too, never borrowed.
        let moved = matches!(op, Expr::Block(b) if b.label.is_none() && b.attrs.is_empty());
        let value = take_into(&tmp, op, moved);
        lifted.push((tmp, value));
    }

    /// Lifts, in evaluation order, the values an operand computes on its way
    /// (arguments, operands, borrowed receivers), as rustc materialises them
    /// in temporaries that live to the end of the statement: a temporary
    /// receiver (`D::new("tmp").touch()`) then survives a later suspension
    /// of the same statement, and evaluation order is kept. Conditional
    /// parts (`&&`, `||`, blocks, branches, closures) are left alone.
    fn lift_inside(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        let mut lift = |this: &mut Self, x: &mut Expr| {
            if !inert(x) {
                this.lift_value(x, lifted);
            }
        };
        match e {
            Expr::MethodCall(m) => {
                if place_expression(&m.receiver) {
                    self.lift_place_operands(&mut m.receiver, lifted);
                } else if crate::analysis::method_consumes_receiver(m) {
                    self.lift_inside(&mut m.receiver, lifted);
                } else {
                    self.lift_receiver(&mut m.receiver, lifted);
                }
                let mut lift = |this: &mut Self, x: &mut Expr| {
                    if !inert(x) {
                        this.lift_value(x, lifted);
                    }
                };
                for a in m.args.iter_mut() {
                    lift(self, a);
                }
            }
            Expr::Call(c) => {
                for a in c.args.iter_mut() {
                    lift(self, a);
                }
            }
            Expr::Binary(b)
                if !is_assign_op(&b.op)
                    && !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) =>
            {
                lift(self, &mut b.left);
                lift(self, &mut b.right);
            }
            Expr::Tuple(t) => t.elems.iter_mut().for_each(|x| lift(self, x)),
            Expr::Array(a) => a.elems.iter_mut().for_each(|x| lift(self, x)),
            Expr::Cast(c) => self.lift_inside(&mut c.expr, lifted),
            Expr::Paren(p) => self.lift_inside(&mut p.expr, lifted),
            Expr::Unary(u) if !matches!(u.op, syn::UnOp::Deref(_)) => {
                self.lift_inside(&mut u.expr, lifted)
            }
            Expr::Field(f) if place_expression(&f.base) => {
                self.lift_place_operands(&mut f.base, lifted)
            }
            Expr::Field(f) => self.lift_value(&mut f.base, lifted),
            Expr::Index(i) if place_expression(&i.expr) => {
                self.lift_place_operands(&mut i.expr, lifted)
            }
            Expr::Index(i) => self.lift_value(&mut i.expr, lifted),
            Expr::Try(t) => self.lift_inside(&mut t.expr, lifted),
            // An await already wrapped in the temporaries its awaitee
            // borrows: they join this statement's, so that they too live to
            // its end.
            Expr::Match(m) if hoisted(m) => {
                unwrap_hoisted(e, lifted);
                self.lift_inside(e, lifted);
            }
            _ => {}
        }
    }

    /// Lifts a method's receiver that is not a place (see `lift_value`)
    /// into a mutable temporary: the method may borrow it mutably, a
    /// guard's target through `DerefMut` (`c.borrow_mut().push(x.await)`).
    /// A field or an element of such a value (`c.borrow_mut().buf`) stays a
    /// projection of the temporary its base is lifted into, as in rustc:
    /// the method borrows the field where it is, and named, the field would
    /// be moved out of the guard.
    fn lift_receiver(&mut self, receiver: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        match receiver {
            Expr::Field(f) => return self.lift_receiver(&mut f.base, lifted),
            Expr::Index(i) => {
                self.lift_receiver(&mut i.expr, lifted);
                if !inert(&i.index) {
                    self.lift_value(&mut i.index, lifted);
                }
                return;
            }
            Expr::Paren(p) if matches!(&*p.expr, Expr::Field(_) | Expr::Index(_)) => {
                return self.lift_receiver(&mut p.expr, lifted);
            }
            _ => {}
        }
        let before = lifted.len();
        self.lift_value(receiver, lifted);
        if lifted.len() > before
            && let Some((tmp, _)) = lifted.last()
        {
            self.mutable.insert(tmp.to_string());
        }
    }

    /// Marks the temporary just lifted from `&mut make()` as mutable.
    fn borrowed(&mut self, r: &syn::ExprReference, lifted: &[(proc_macro2::Ident, Expr)]) {
        if r.mutability.is_some()
            && let Some((tmp, _)) = lifted.last()
        {
            self.mutable.insert(tmp.to_string());
        }
    }

    /// Lifts the operands of place `e` (`v[i()]`'s index, `*make()`'s
    /// value), leaving the place itself where it is used: by reference or
    /// by value (a `Copy` element), which longhand cannot tell, and an
    /// unsized one (`v[a..b]`) cannot be named at all.
    fn lift_place_operands(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        self.lift_place_parts(e, lifted, true);
    }

    /// The walk of [`Self::lift_place_operands`] and
    /// [`Self::lift_place_indices`]: a dereference's operand is lifted
    /// `through_deref`, or else only if it suspends.
    fn lift_place_parts(
        &mut self,
        e: &mut Expr,
        lifted: &mut Vec<(proc_macro2::Ident, Expr)>,
        through_deref: bool,
    ) {
        match e {
            Expr::Index(i) => {
                self.lift_place_parts(&mut i.expr, lifted, through_deref);
                if !inert(&i.index) {
                    self.lift_value(&mut i.index, lifted);
                }
            }
            Expr::Field(f) => self.lift_place_parts(&mut f.base, lifted, through_deref),
            Expr::Paren(p) => self.lift_place_parts(&mut p.expr, lifted, through_deref),
            Expr::Group(g) => self.lift_place_parts(&mut g.expr, lifted, through_deref),
            Expr::Unary(u) if through_deref && !inert(&u.expr) => {
                self.lift_value(&mut u.expr, lifted)
            }
            // An assignment through what an await gives (`*lock.write().await
            // = v`): the guard is lifted, into a `mut` temporary for
            // `DerefMut`, after the value. Left in the place, its suspension
            // would follow the value's use there (`=` evaluates the value
            // first), and the arm that suspends would move the value before
            // storing it.
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) && contains_await(&u.expr) => {
                self.lift_suspending_base(&mut u.expr, lifted)
            }
            _ => {}
        }
    }

    /// Lifts, into a `mut` temporary, the value that suspends at the base of
    /// place `e` (`cell.lock().await` in `cell.lock().await.0`): the fields
    /// and indices above it stay projections of that temporary (a field
    /// moved out of it could be part of a value with a destructor).
    fn lift_suspending_base(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        match e {
            Expr::Field(f) => self.lift_suspending_base(&mut f.base, lifted),
            Expr::Paren(p) => self.lift_suspending_base(&mut p.expr, lifted),
            Expr::Group(g) => self.lift_suspending_base(&mut g.expr, lifted),
            Expr::Index(i) if contains_await(&i.expr) => {
                self.lift_suspending_base(&mut i.expr, lifted);
                if !inert(&i.index) {
                    self.lift_value(&mut i.index, lifted);
                }
            }
            _ if contains_await(e) => self.lift_receiver(e, lifted),
            _ => {}
        }
    }

    /// Lifts the temporaries that an awaitee borrows (`read(&mut [0; 8])`,
    /// `get(&format!(..))`, `send(&make().body)`): the future it makes may
    /// hold the borrow, and rustc keeps them to the end of the statement,
    /// across the await. The operands evaluated before one of them are
    /// lifted too, whole, to keep the order; a method's receiver among them
    /// is moved (`{ tmp }.json(&body)`), as longhand cannot tell whether the
    /// method takes `self` or `&self`.
    fn lift_borrowed(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        match e {
            Expr::Reference(r) if borrows_new_value(r) => {
                let tmp = self.temp();
                let base = borrowed_temporary(&mut r.expr);
                // Its own borrowed temporaries first (`&lock().clone()`:
                // the guard lives to the end of the statement too).
                self.lift_borrowed(base, lifted);
                lifted.push((tmp.clone(), take_into(&tmp, base, false)));
                self.borrowed(r, lifted);
            }
            // `pend(1, m.lock().unwrap().len())`: the guard is a temporary
            // of the statement too, alive across the await.
            Expr::MethodCall(m) if borrows_receiver_temporary(m) => {
                let tmp = self.temp();
                let base = borrowed_temporary(&mut m.receiver);
                // Its own operands' borrowed temporaries come first.
                self.lift_borrowed(base, lifted);
                lifted.push((tmp.clone(), take_into(&tmp, base, false)));
                if takes_receiver_mutably(&m.method.to_string()) {
                    self.mutable.insert(tmp.to_string());
                }
                for arg in m.args.iter_mut() {
                    self.lift_borrowed(arg, lifted);
                }
            }
            // A `match`'s scrutinee is not a temporary scope: what it
            // borrows lives to the end of the statement, across the await
            // (`pend(match len(&D::new("t")) { .. }).await`).
            Expr::Match(m) if !hoisted(m) => self.lift_borrowed(&mut m.expr, lifted),
            Expr::Paren(p) => self.lift_borrowed(&mut p.expr, lifted),
            Expr::Group(g) => self.lift_borrowed(&mut g.expr, lifted),
            Expr::Cast(c) => self.lift_borrowed(&mut c.expr, lifted),
            Expr::Field(f) => self.lift_borrowed(&mut f.base, lifted),
            Expr::Try(t) => self.lift_borrowed(&mut t.expr, lifted),
            Expr::Unary(u) => self.lift_borrowed(&mut u.expr, lifted),
            _ if builds_value(e) => {
                let receiver = matches!(e, Expr::MethodCall(_));
                let mut ops = operands(e);
                let Some(last) = ops.iter_mut().rposition(|op| borrows_temporary(op)) else {
                    return;
                };
                for (i, op) in ops.iter_mut().enumerate().take(last) {
                    // Its own borrowed temporaries first, then its value.
                    self.lift_borrowed(op, lifted);
                    if inert(op) {
                        continue;
                    }
                    let tmp = self.temp();
                    let value = take_into(&tmp, op, receiver && i == 0);
                    lifted.push((tmp, value));
                }
                self.lift_borrowed(ops[last], lifted);
            }
            _ => {}
        }
    }

    /// Wraps `e` in `match value { tmp => e }` for each lifted operand, the
    /// first one outermost so that they are evaluated in order.
    fn wrap(&self, e: &mut Expr, lifted: Vec<(proc_macro2::Ident, Expr)>) {
        for (tmp, value) in lifted.into_iter().rev() {
            let mutability = self
                .mutable
                .contains(&tmp.to_string())
                .then(Default::default);
            let inner = std::mem::replace(e, parse_quote!(()));
            *e = Expr::Match(syn::ExprMatch {
                attrs: Vec::new(),
                match_token: Default::default(),
                expr: Box::new(value),
                brace_token: Default::default(),
                arms: vec![syn::Arm {
                    attrs: Vec::new(),
                    pat: syn::Pat::Ident(syn::PatIdent {
                        attrs: Vec::new(),
                        by_ref: None,
                        mutability,
                        ident: tmp,
                        subpat: None,
                    }),
                    guard: None,
                    fat_arrow_token: Default::default(),
                    body: Box::new(inner),
                    comma: None,
                }],
            });
        }
    }
}

impl VisitMut for Hoist {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // Macro calls with expression arguments: an `.await` cannot stay inside
        // the macro's tokens, so it is lifted out with everything before it.
        if let Expr::Macro(m) = e
            && let Some(mut args) = crate::macro_args::parse(&m.mac)
        {
            for a in args.args.iter_mut() {
                self.visit_expr_mut(a);
            }
            // Every argument up to the last that suspends is lifted, that one
            // included: an `.await` cannot stay inside the macro's tokens.
            let moves = crate::macro_args::moves_args(&m.mac);
            let lifted = match args.args.iter().rposition(contains_await) {
                Some(last) => {
                    // A formatting macro borrows its arguments: a place
                    // (`v[0]`) stays, as a value it would be moved out.
                    // `vec!` and `dbg!` move a local (see `moved_local`).
                    let mut lifted = Vec::new();
                    let changed = changed_later(&args.args.iter().collect::<Vec<_>>());
                    for (a, changed) in args.args.iter_mut().take(last + 1).zip(changed) {
                        if moves && self.moved_local(a, changed) {
                            self.lift_value(a, &mut lifted);
                            continue;
                        }
                        let borrowed = !contains_await(a);
                        self.lift_operand(a, borrowed, &mut lifted);
                    }
                    lifted
                }
                None => Vec::new(),
            };
            crate::macro_args::set(&mut m.mac, &args);
            self.wrap(e, lifted);
            return;
        }
        match e {
            Expr::Assign(a) if contains_await(&a.left) => {
                self.visit_expr_mut(&mut a.right);
                self.visit_place(&mut a.left);
            }
            Expr::Binary(b) if is_assign_op(&b.op) && contains_await(&b.left) => {
                self.visit_expr_mut(&mut b.right);
                self.visit_place(&mut b.left);
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
        match e {
            Expr::Await(a) => {
                let base = &mut *a.base;
                // The awaitee's operands were lifted where it was visited;
                // they are lifted around the whole `.await` instead.
                let mut lifted = Vec::new();
                unwrap_hoisted(base, &mut lifted);
                if contains_await(base) {
                    match last_suspending(base) {
                        Some(last) => lifted.extend(self.take_operands(base, last, true)),
                        None => {
                            // Not a call-like operand: evaluate it whole first.
                            let tmp = self.temp();
                            let value = take_into(&tmp, base, false);
                            lifted.push((tmp, value));
                        }
                    }
                }
                // What is left of the awaitee is await-free; the temporaries
                // it borrows are lifted after those operands.
                self.lift_borrowed(base, &mut lifted);
                self.wrap(e, lifted);
            }
            // `v[i.await] = x`: `x` is evaluated first, then the index.
            Expr::Assign(a) if contains_await(&a.left) => {
                let lifted = self.value_then_place(&mut a.right, &mut a.left);
                self.wrap(e, lifted);
            }
            // `v[i.await] += k`, `*lock.write().await += n`: for primitive
            // types rustc evaluates the value first, then the place (as for
            // `=` above; an overloaded `AddAssign` takes the place first,
            // which only types could tell).
            // (Both may await: `v[i.await] += x.await` lifts `x.await` first.)
            Expr::Binary(b) if is_assign_op(&b.op) && contains_await(&b.left) => {
                let lifted = self.value_then_place(&mut b.right, &mut b.left);
                self.wrap(e, lifted);
            }
            // `v[i()] += value.await`: the value is lifted whole, so that the
            // place is evaluated once, after it. (rustc evaluates the value
            // first for primitive types, the place first for an overloaded
            // `AddAssign`; left in place, the place would be evaluated
            // before the suspension and again after it.) A local or its
            // field can be evaluated twice unobserved, and stays.
            Expr::Binary(b)
                if is_assign_op(&b.op)
                    && !place(&b.left)
                    && contains_await(&b.right)
                    && !contains_await(&b.left) =>
            {
                let mut lifted = Vec::new();
                self.lift_value(&mut b.right, &mut lifted);
                self.wrap(e, lifted);
            }
            // A let-chain (`c && let P = v.await`) must stay whole in its
            // condition: its left side is used up before the right runs.
            _ if let_chain(e) => {}
            _ => {
                if let Some(last) = last_suspending(e) {
                    // The suspending operand itself is lifted too when
                    // operands come before it: otherwise the inline code would
                    // move those operands into the half-built value before
                    // suspending, while the state still needs them.
                    //
                    // So is one that suspends on some paths only when a
                    // closure or `async` block follows it: hoisted into a
                    // `match`, what follows is a branch, where a join point
                    // can write it once (see `joins`).
                    let include_last = (last > 0 && builds_value(e)) || closure_follows(e, last);
                    let mut lifted = self.take_operands(e, last, include_last);
                    // Left in place, the suspending operand's own hoisted
                    // temporaries (`conn.await?` in `conn.await?.query().await
                    // + n`) join `e`'s, so that they too live to the end of
                    // the statement.
                    if !include_last && builds_value(e) {
                        hoisted_lead(operands(e).swap_remove(last), &mut lifted);
                    }
                    self.wrap(e, lifted);
                }
            }
        }
    }
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let after = LaterUses::per_statement(b);
        for (s, names) in b.stmts.iter_mut().zip(after) {
            self.later.push(names);
            self.visit_stmt_mut(s);
            self.later.pop();
        }
    }
    fn visit_expr_loop_mut(&mut self, l: &mut syn::ExprLoop) {
        self.later.push(LaterUses::of_loop(&[], &l.body));
        visit_mut::visit_expr_loop_mut(self, l);
        self.later.pop();
    }
    fn visit_expr_while_mut(&mut self, w: &mut syn::ExprWhile) {
        self.later.push(LaterUses::of_loop(&[&w.cond], &w.body));
        visit_mut::visit_expr_while_mut(self, w);
        self.later.pop();
    }
    fn visit_expr_for_loop_mut(&mut self, f: &mut syn::ExprForLoop) {
        self.later.push(LaterUses::of_loop(&[], &f.body));
        visit_mut::visit_expr_for_loop_mut(self, f);
        self.later.pop();
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// For each operand that is a single name, does an operand after it
/// assign to that name or borrow it mutably (see `later_uses::changed_in`)?
fn changed_later<E: std::ops::Deref<Target = Expr>>(ops: &[E]) -> Vec<bool> {
    (0..ops.len())
        .map(|i| match &*ops[i] {
            Expr::Path(p) => p.path.get_ident().is_some_and(|name| {
                let name = name.to_string();
                ops[i + 1..].iter().any(|later| changed_in(&name, later))
            }),
            _ => false,
        })
        .collect()
}
