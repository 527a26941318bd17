//! The walk: statements and expressions in evaluation order, each use of a
//! binding recorded as a move, a borrow, a read or an assignment.

use super::methods::{awaited_consumes_receiver, may_lend, may_read, returns_owned};
use super::shapes::{
    built_by_box_new, consumes_capture, count_idents, given_away, local_place, oneshot_sender,
    raw_address_of, scrutinee_use,
};
use super::user_types::declares_user_type;
use super::*;

impl Resolver {
    pub(super) fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Local(l) => {
                let from = self.borrows.len();
                if let Some(init) = &l.init {
                    self.expr(&init.expr, scrutinee_use(&l.pat));
                    if let Some((_, els)) = &init.diverge {
                        let node = self.branch_node(2);
                        self.in_branch(node, 1, |r| r.expr(els, UseKind::Move));
                    }
                }
                // A closure that does not `move` captures by reference: no
                // destructor either (see `BindingInfo::reference`).
                let reference = l.init.as_ref().is_some_and(|i| match &*i.expr {
                    // (`let &(a, _) = &p;` copies `a` out: not a reference,
                    // and an awaitee may borrow it.)
                    Expr::Reference(_) => crate::bindings::binds_only_references(&l.pat),
                    // (One that consumes a capture owns it.)
                    Expr::Closure(c) => c.capture.is_none() && !self.last_capture_consumed,
                    _ => false,
                }) || matches!(&l.pat, Pat::Type(t) if matches!(&*t.ty, syn::Type::Reference(_)));
                let simple = match &l.pat {
                    Pat::Ident(p) => p.subpat.is_none() && p.by_ref.is_none(),
                    Pat::Type(t) => {
                        matches!(&*t.pat, Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none())
                    }
                    _ => false,
                };
                // `let tx = tx;` (a tuple pattern with a pinned binding is
                // split so) keeps a oneshot sender one; resolved before the
                // new `tx` shadows the old.
                let renamed_sender = (|| {
                    let from = self.local(&l.init.as_ref()?.expr)?;
                    let Pat::Ident(p) = &l.pat else { return None };
                    let sender = self.bindings.get(&from)?.oneshot_sender;
                    sender.then(|| crate::bindings::tag_of(p)).flatten()
                })();
                // `let y = x;` moves `x`'s value, and with it what it borrows.
                let value = l.init.as_ref().map(|i| &*i.expr);
                self.declare_from(&l.pat, l.init.is_some(), from, simple, value);
                let closure = l.init.as_ref().is_some_and(|i| {
                    matches!(&*i.expr, Expr::Closure(c) if c.capture.is_none())
                        && !self.last_capture_consumed
                });
                if reference {
                    for b in bindings_of(&l.pat) {
                        if let Some(info) = self.bindings.get_mut(&b.id) {
                            info.reference = true;
                            info.closure = closure;
                        }
                    }
                }
                let (param, declared) = self.declared_type(l);
                let consumed_by_call = self.consumed_by_call(l, declared);
                // A declared type says whether `*x` moves out (a `Box`). A
                // plain `let x = ..;` of unwritten type is a box only if
                // built by `Box::new`: a call may as well return a guard
                // (`let g = guard(&m);`), which must live on after `*g`
                // copies out of it. A pattern (`let Some(b) = ..`, a `for`
                // loop's) is guessed from its value (`declare_from`).
                let boxed = match declared {
                    Some(ty) => Some(crate::signature::is_box(ty)),
                    None if simple => Some(built_by_box_new(l)),
                    None => None,
                };
                let user_type = self.with_generics(|g| declares_user_type(l, declared, g));
                for b in bindings_of(&l.pat) {
                    if let Some(info) = self.bindings.get_mut(&b.id) {
                        info.param = param;
                        info.consumed_by_call = consumed_by_call;
                        info.boxed = boxed.unwrap_or(info.boxed);
                        info.user_type = user_type;
                    }
                }
                if let Some(tx) = oneshot_sender(l).or(renamed_sender)
                    && let Some(info) = self.bindings.get_mut(&tx)
                {
                    info.oneshot_sender = true;
                }
            }
            Stmt::Expr(e, _) => self.expr(e, UseKind::Move),
            Stmt::Macro(m) => self.mac(&m.mac, &m.attrs),
            Stmt::Item(_) => {}
        }
    }

    /// An `if`/`while` condition: `let` bindings land in the current scope.
    pub(super) fn cond(&mut self, e: &Expr) {
        match e {
            Expr::Let(l) => {
                let from = self.borrows.len();
                self.expr(&l.expr, scrutinee_use(&l.pat));
                self.declare_from(&l.pat, true, from, false, Some(&l.expr));
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.cond(&b.left);
                self.cond(&b.right);
            }
            Expr::Paren(p) => self.cond(&p.expr),
            _ => self.expr(e, UseKind::Move),
        }
    }

    pub(super) fn mac(&mut self, mac: &syn::Macro, attrs: &[syn::Attribute]) {
        match macro_args::parse(mac) {
            Some(args) => {
                let borrows = macro_args::borrows_args(mac);
                let kind = if borrows {
                    UseKind::Borrow
                } else {
                    UseKind::Move
                };
                // (A format string's captures are named arguments by now.)
                // What the `format_args!` family makes borrows nothing
                // (`format!` gives a `String`), but `format_args!` itself.
                if borrows && macro_args::name(mac) != "format_args" {
                    self.barrier(|r| args.args.iter().for_each(|a| r.expr(a, kind)));
                } else {
                    for a in &args.args {
                        self.expr(a, kind);
                    }
                }
                // A pattern's guard reads the locals it names.
                self.token_uses(args.rest(), attrs, UseKind::Read);
                // A macro longhand does not know as a formatting one may
                // pass a string on to `format!` (`note!("added {x}")`): what
                // such a string captures is read there.
                if macro_args::format_string_at(mac).is_none() {
                    for a in &args.args {
                        if let Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(lit),
                            ..
                        }) = a
                        {
                            for name in macro_args::format_captures(lit) {
                                self.use_name(&name, UseKind::Borrow);
                            }
                        }
                    }
                }
            }
            // Tokens it cannot read: every name in them is taken as a use,
            // tagged so that a local moved elsewhere is given back to it.
            None => self.token_uses(&mac.tokens, attrs, UseKind::Borrow),
        }
    }

    /// Every name in `tokens` taken as a use of that kind, resolved through
    /// the macro call's tags (see `macro_aliases`).
    pub(super) fn token_uses(
        &mut self,
        tokens: &proc_macro2::TokenStream,
        attrs: &[syn::Attribute],
        kind: UseKind,
    ) {
        let tags = crate::macro_aliases::uses(attrs);
        for name in macro_args::token_names(tokens) {
            let tag = tags.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
            self.use_tagged(&name.to_string(), tag, kind);
        }
    }

    /// Visits operands in the order the lowered code evaluates them: after
    /// normalisation, operands before one that suspends are inert places,
    /// which the resumed code reads only after the suspension.
    pub(super) fn operands(&mut self, ops: Vec<(&Expr, UseKind)>) {
        let (suspending, rest): (Vec<_>, Vec<_>) = ops
            .into_iter()
            .partition(|(e, _)| crate::awaits::contains_await(e));
        if suspending.is_empty() {
            rest.into_iter().for_each(|(e, k)| self.expr(e, k));
        } else {
            suspending.into_iter().for_each(|(e, k)| self.expr(e, k));
            rest.into_iter().for_each(|(e, k)| self.expr(e, k));
        }
    }

    /// Is every occurrence in a closure's body of a local in scope one that
    /// the body gives away (`given`)? Then the closure owns only what it
    /// gives away (any other name of a local counts against it, even a
    /// parameter or field of the same name: the answer errs towards no).
    pub(super) fn gives_away_all(&self, body: &Expr, given: &[&syn::ExprPath]) -> bool {
        let mut counts = HashMap::new();
        count_idents(quote::ToTokens::to_token_stream(body), &mut counts);
        for p in given {
            if let Some(n) = p
                .path
                .get_ident()
                .and_then(|i| counts.get_mut(&i.to_string()))
            {
                *n -= 1;
            }
        }
        !given.is_empty()
            && counts
                .iter()
                .all(|(name, n)| *n == 0 || self.resolve(name).is_none())
    }

    /// Visits `e` (a captured local) as moved by a use that consumes it
    /// whatever its type (`drop(e)`, a oneshot `e.send(..)`, `e.await`):
    /// the closure or `async` block captures it by value.
    pub(super) fn consumed(&mut self, e: &Expr) {
        self.consuming = true;
        self.expr(e, UseKind::Move);
        self.consuming = false;
    }

    /// Visits the body of a closure or `async` block, `move` or not.
    pub(super) fn in_capture(&mut self, moving: bool, f: impl FnOnce(&mut Self)) {
        let first = self.outer_moving.is_none();
        if first {
            self.outer_moving = Some(moving);
        }
        self.borrowing_capture += !moving as usize;
        self.consuming_captures.push(false);
        f(self);
        self.last_capture_consumed = self.consuming_captures.pop().unwrap_or(false);
        self.borrowing_capture -= !moving as usize;
        if first {
            self.outer_moving = None;
        }
    }

    /// Visits `e`, whose result is a new value that borrows nothing from its
    /// operands (arithmetic, comparisons, casts): borrows made inside it are
    /// uses, but do not flow into the value being computed.
    pub(super) fn barrier(&mut self, f: impl FnOnce(&mut Self)) {
        if self.borrowing_capture > 0 {
            // Inside a closure every captured local flows into the closure.
            return f(self);
        }
        let mark = self.borrows.len();
        f(self);
        self.borrows.truncate(mark);
    }

    /// The left side of `=`: each plain name in a destructuring assignment
    /// (`(x, rest) = value`) is assigned; anything else is a place.
    pub(super) fn assignee(&mut self, e: &Expr) {
        match e {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let tag = crate::bindings::ref_tag(&p.attrs);
                self.use_tagged(&p.path.segments[0].ident.to_string(), tag, UseKind::Assign);
            }
            Expr::Tuple(t) => t.elems.iter().for_each(|x| self.assignee(x)),
            Expr::Array(t) => t.elems.iter().for_each(|x| self.assignee(x)),
            Expr::Call(c) => c.args.iter().for_each(|x| self.assignee(x)),
            Expr::Struct(s) => s.fields.iter().for_each(|f| self.assignee(&f.expr)),
            Expr::Paren(p) => self.assignee(&p.expr),
            Expr::Infer(_) => {}
            other => self.expr(other, UseKind::Borrow),
        }
    }

    /// Does `m` lend from its receiver: a name `returns_owned` takes as
    /// owned, on a local of a user type (see `user_types`)?
    fn lends(&self, m: &syn::ExprMethodCall) -> bool {
        may_lend(&m.method.to_string()) && self.on_user_type(m)
    }

    /// Does `m` only read its receiver although its name is one of
    /// `Iterator`'s consuming folds: `count()`, `max()`, .. without
    /// arguments, on a local of a user type (see `methods::may_read`)?
    fn user_reads(&self, m: &syn::ExprMethodCall) -> bool {
        m.args.is_empty() && may_read(&m.method.to_string()) && self.on_user_type(m)
    }

    /// Is `m`'s receiver a local of a user type (see `user_types`)?
    fn on_user_type(&self, m: &syn::ExprMethodCall) -> bool {
        self.local(&m.receiver)
            .and_then(|id| self.bindings.get(&id))
            .is_some_and(|info| info.user_type)
    }

    /// A method call whose receiver is used as `receiver` says.
    pub(super) fn method_call(&mut self, m: &syn::ExprMethodCall, receiver: UseKind) {
        self.operands(
            std::iter::once((&*m.receiver, receiver))
                .chain(m.args.iter().map(|x| (x, UseKind::Move)))
                .collect(),
        );
    }

    pub(super) fn expr(&mut self, e: &Expr, ctx: UseKind) {
        let new_value = match e {
            Expr::Binary(b) => !matches!(
                b.op,
                syn::BinOp::AddAssign(_)
                    | syn::BinOp::SubAssign(_)
                    | syn::BinOp::MulAssign(_)
                    | syn::BinOp::DivAssign(_)
                    | syn::BinOp::RemAssign(_)
                    | syn::BinOp::BitXorAssign(_)
                    | syn::BinOp::BitAndAssign(_)
                    | syn::BinOp::BitOrAssign(_)
                    | syn::BinOp::ShlAssign(_)
                    | syn::BinOp::ShrAssign(_)
            ),
            // (Not a cast to a reference or a pointer, `&t as &dyn Named`,
            // which still points into what its operand borrows.)
            Expr::Cast(c) => !matches!(&*c.ty, syn::Type::Reference(_) | syn::Type::Ptr(_)),
            Expr::Unary(u) => !matches!(u.op, syn::UnOp::Deref(_)),
            _ => false,
        };
        if new_value {
            return self.barrier(|r| r.expr_inner(e, ctx));
        }
        self.expr_inner(e, ctx)
    }

    pub(super) fn expr_inner(&mut self, e: &Expr, ctx: UseKind) {
        use UseKind::*;
        if let Some(id) = raw_address_of(e).and_then(|place| self.place_binding(&place)) {
            self.raw_addressed.insert(id);
        }
        match e {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                // What a `move` closure returns consumes it (see `given_away`).
                let given = self.given_away.contains(&(p as *const syn::ExprPath));
                self.consuming |= given;
                self.use_tagged(&name, crate::bindings::ref_tag(&p.attrs), ctx);
                self.consuming &= !given;
            }
            Expr::Array(a) => self.operands(a.elems.iter().map(|x| (x, Move)).collect()),
            Expr::Tuple(t) => self.operands(t.elems.iter().map(|x| (x, Move)).collect()),
            Expr::Call(c) if self.outer_moving.is_some() && consumes_capture(c).is_some() => {
                self.consumed(&c.args[0]);
            }
            Expr::Call(c) => {
                // `Iterator::next(&mut iter)` (a `for` loop's desugaring) is
                // `iter.next()`: its result does not borrow `iter`.
                let owned = match &*c.func {
                    Expr::Path(p) => p
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| returns_owned(&s.ident.to_string())),
                    _ => false,
                };
                let args = c.args.iter().enumerate().map(|(i, x)| match x {
                    Expr::Reference(r) if owned && i == 0 => (&*r.expr, Read),
                    _ => (x, Move),
                });
                // Calling a local (`let d = hook();`): an `Fn`'s output
                // cannot borrow the callee itself, only what it borrows. The
                // callee is read where its type says it is an `Fn` (or the
                // closure is written in the body and consumes none of its
                // captures), consumed where it says `FnOnce` (or the closure
                // does, `|| drop(d)`); a parameter of unknown type is read, another
                // local (a loop's item, a value taken out of an `Option`)
                // consumed, unless it is used again (`moves_that_copy` then
                // makes the call a read).
                let local = self.local(&c.func);
                let callee = match local.and_then(|id| self.bindings.get(&id)) {
                    Some(info) => match info.consumed_by_call {
                        Some(true) => Move,
                        Some(false) => Read,
                        None if info.param => Read,
                        None => Move,
                    },
                    None if local.is_some() => Read,
                    None => Borrow,
                };
                self.operands(std::iter::once((&*c.func, callee)).chain(args).collect());
                if let Some(info) = local.and_then(|id| self.bindings.get(&id)) {
                    let through: Vec<usize> = info.sources.iter().copied().collect();
                    self.borrows.extend(through);
                }
            }
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let sends_once = || {
                    method == "send"
                        && self
                            .local(&m.receiver)
                            .and_then(|id| self.bindings.get(&id))
                            .is_some_and(|info| info.oneshot_sender)
                };
                let kind = if sends_once() && self.outer_moving.is_some() {
                    // Consumes the captured sender (see `consumes_capture`).
                    self.consumed(&m.receiver);
                    m.args.iter().for_each(|x| self.expr(x, Move));
                    return;
                } else if (method_consumes_receiver(m) && !self.user_reads(m)) || sends_once() {
                    Move
                } else if returns_owned(&method) && !self.lends(m) {
                    Read
                } else {
                    Borrow
                };
                self.method_call(m, kind);
            }
            Expr::Binary(b) => {
                use syn::BinOp::*;
                match b.op {
                    Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) => {
                        self.operands(vec![(&*b.left, Read), (&*b.right, Read)])
                    }
                    And(_) | Or(_) => {
                        // The right side runs on some paths only. Resumed
                        // inside it, the value is its own: the left side is
                        // not read again (see `resume`).
                        let node = self.branch_node(2);
                        self.expr(&b.left, Move);
                        self.in_branch(node, 0, |r| r.expr(&b.right, Move));
                    }
                    AddAssign(_) | SubAssign(_) | MulAssign(_) | DivAssign(_) | RemAssign(_)
                    | BitXorAssign(_) | BitAndAssign(_) | BitOrAssign(_) | ShlAssign(_)
                    | ShrAssign(_) => {
                        // The value first (primitive types), unless the
                        // place suspends: then the value, a local or
                        // lifted into one, is read after it (`normalize`).
                        self.operands(vec![(&*b.right, Move), (&*b.left, Borrow)]);
                    }
                    _ => self.operands(vec![(&*b.left, Move), (&*b.right, Move)]),
                }
            }
            Expr::Unary(u) => match u.op {
                // `let inner = *boxed;` moves out of the box (see
                // `may_hold_box`).
                syn::UnOp::Deref(_)
                    if ctx == Move
                        && self
                            .local(&u.expr)
                            .and_then(|id| self.bindings.get(&id))
                            .is_some_and(|info| info.boxed) =>
                {
                    self.expr(&u.expr, Move)
                }
                syn::UnOp::Deref(_) => self.expr(&u.expr, Borrow),
                _ => self.expr(&u.expr, Move),
            },
            Expr::Cast(c) => self.expr(&c.expr, Move),
            Expr::Paren(p) => self.expr(&p.expr, ctx),
            Expr::Group(g) => self.expr(&g.expr, ctx),
            Expr::Reference(r) => {
                self.expr(&r.expr, Borrow);
                if let Some(u) = self
                    .local(&r.expr)
                    .and_then(|id| self.bindings.get(&id))
                    .and_then(|info| info.uses.last())
                {
                    self.addressed.insert(u.pos);
                }
            }
            Expr::Field(f) => self.expr(&f.base, if ctx == Move { Read } else { ctx }),
            Expr::Index(i) => self.operands(vec![(&*i.expr, Borrow), (&*i.index, Move)]),
            // `_ = e;` moves nothing, as `let _ = e;` does not.
            Expr::Assign(a) if matches!(&*a.left, Expr::Infer(_)) => {
                self.expr(&a.right, UseKind::Borrow)
            }
            Expr::Assign(a) => {
                // A place that suspends (`*lock.write().await = v`) is
                // evaluated before its value, lifted into a temporary
                // (`normalize`), is written: that value is read after it.
                let place_first = crate::awaits::contains_await(&a.left);
                if place_first {
                    self.assignee(&a.left);
                }
                let from = self.borrows.len();
                self.expr(&a.right, Move);
                // What the new value borrows, the local now may too
                // (`r = &b;`). Never the local itself: what borrows its old
                // value cannot outlive the assignment (`req =
                // req.header(..)` on `&self` would be refused by rustc;
                // `rest = &rest[1..]` borrows what `rest` points to).
                if let Some(id) = self.local(&a.left) {
                    let mut sources = self.sources_since(from, Some(&a.right));
                    sources.remove(&id);
                    if let Some(info) = self.bindings.get_mut(&id) {
                        info.sources.extend(sources);
                    }
                }
                if !place_first {
                    self.assignee(&a.left);
                }
            }
            // `lo..end.await`: a plain start is read after the suspension.
            Expr::Range(r) => self.operands(
                r.start
                    .iter()
                    .chain(r.end.iter())
                    .map(|x| (&**x, Move))
                    .collect(),
            ),
            Expr::Struct(s) => self.operands(
                s.fields
                    .iter()
                    .map(|f| (&f.expr, Move))
                    .chain(s.rest.iter().map(|r| (&**r, Move)))
                    .collect(),
            ),
            Expr::Repeat(r) => self.expr(&r.expr, Move),
            Expr::Try(t) => self.expr(&t.expr, Move),
            Expr::Await(a) => {
                let operand = self.pos + 1;
                match &*a.base {
                    Expr::MethodCall(m)
                        if awaited_consumes_receiver(&m.method.to_string())
                            && !self.user_reads(m) =>
                    {
                        self.method_call(m, Move)
                    }
                    // A stream's `next()` (or a user type's `async fn
                    // next`), awaited: its output is owned whatever the
                    // receiver, which is read as it would be if it did
                    // not lend.
                    Expr::MethodCall(m) if self.lends(m) && !method_consumes_receiver(m) => {
                        self.method_call(m, Read)
                    }
                    // `.await` takes its operand by value (`into_future(self)`),
                    // whatever its type: a captured local awaited in an
                    // `async` block or closure is captured by value, `move`
                    // or not (`let b = async { a.await };`).
                    base @ Expr::Path(p)
                        if self.outer_moving.is_some()
                            && p.qself.is_none()
                            && p.path.get_ident().is_some() =>
                    {
                        self.consumed(base);
                    }
                    base => self.expr(base, Move),
                }
                let pos = self.tick();
                if let Some(n) = crate::awaits::await_id(a) {
                    let in_scope = self
                        .scopes
                        .iter()
                        .flatten()
                        .filter_map(|(_, id)| *id)
                        .collect();
                    self.awaits.insert(
                        n,
                        AwaitInfo {
                            pos,
                            operand,
                            in_scope,
                            loops: self.loops.clone(),
                            branches: self.branches.clone(),
                            then: Jump::default(),
                        },
                    );
                }
            }
            Expr::Return(r) => {
                if let Some(v) = &r.expr {
                    self.expr(v, Move);
                }
            }
            Expr::Break(b) => {
                if let Some(v) = &b.expr {
                    self.expr(v, Move);
                }
            }
            Expr::Block(b) => match &b.label {
                Some(l) => self.in_target(Some(l), None, |r| r.block(&b.block)),
                None => self.block(&b.block),
            },
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::Const(c) => self.block(&c.block),
            Expr::If(i) => {
                let node = self.branch_node(2);
                self.in_scope(|r| {
                    r.cond(&i.cond);
                    r.in_branch(node, 0, |r| r.block(&i.then_branch));
                });
                if let Some((_, els)) = &i.else_branch {
                    self.in_branch(node, 1, |r| r.expr(els, Move));
                }
            }
            Expr::Let(l) => {
                self.expr(&l.expr, scrutinee_use(&l.pat));
                self.declare(&l.pat, true);
            }
            Expr::Match(m) => {
                let from = self.borrows.len();
                // (As in `scrutinee_use`, over all the arms.)
                let kind = if m.arms.iter().any(|a| crate::bindings::binds_by_ref(&a.pat)) {
                    Borrow
                } else if m.arms.iter().any(|a| binds_by_value(&a.pat)) {
                    Move
                } else {
                    Borrow
                };
                // A local's place (`match o`, `match self.state`) is moved
                // out of only in the arms that bind by value, when they are
                // taken: in the others (`_ => x.await`) it is still whole,
                // and kept to the end of its scope. (A move in another arm
                // is reached from a suspension point only round a loop: see
                // `after` in `decide`.)
                let moved_per_arm = kind == Move && local_place(&m.expr);
                self.expr(&m.expr, if moved_per_arm { Read } else { kind });
                let node = self.branch_node(m.arms.len());
                for (i, arm) in m.arms.iter().enumerate() {
                    self.in_branch(node, i, |r| {
                        // (Before the arm's bindings, which may shadow it:
                        // `c if c.is_whitespace()` in `match c`.)
                        if moved_per_arm && binds_by_value(&arm.pat) {
                            r.expr(&m.expr, Move);
                        }
                        r.in_scope(|r| {
                            r.declare_from(&arm.pat, true, from, false, Some(&m.expr));
                            if let Some((_, g)) = &arm.guard {
                                r.expr(g, Move);
                            }
                            let start = r.pos;
                            r.expr(&arm.body, Move);
                            // `None => return 0,`: an arm that is a jump.
                            if let Some(jump) = r.jumps(&arm.body) {
                                r.mark_leaving(start, jump);
                            }
                        })
                    });
                }
            }
            Expr::Loop(l) => self.in_loop(l.label.as_ref(), |r| r.block(&l.body)),
            Expr::While(w) => self.in_loop(w.label.as_ref(), |r| {
                r.in_scope(|r| {
                    r.cond(&w.cond);
                    r.block(&w.body);
                })
            }),
            Expr::ForLoop(f) => {
                self.expr(&f.expr, Move);
                self.in_loop(f.label.as_ref(), |r| {
                    r.in_scope(|r| {
                        r.declare(&f.pat, true);
                        r.block(&f.body);
                    })
                });
            }
            Expr::Closure(c) => {
                let moving = c.capture.is_some();
                if moving {
                    let mut given = Vec::new();
                    given_away(&c.body, &mut given);
                    if self.gives_away_all(&c.body, &given) {
                        self.given_away
                            .extend(given.into_iter().map(|p| p as *const syn::ExprPath));
                    }
                }
                self.in_scope(|r| {
                    for p in &c.inputs {
                        r.shadow(p);
                    }
                    r.in_capture(moving, |r| r.expr(&c.body, Move));
                });
            }
            Expr::Async(a) => {
                self.in_capture(a.capture.is_some(), |r| r.block(&a.block));
            }
            Expr::Macro(m) => self.mac(&m.mac, &m.attrs),
            Expr::Verbatim(ts) => {
                for name in macro_args::token_names(ts) {
                    self.use_name(&name.to_string(), UseKind::Borrow);
                }
            }
            Expr::Yield(y) => {
                if let Some(v) = &y.expr {
                    self.expr(v, Move);
                }
            }
            Expr::TryBlock(t) => self.block(&t.block),
            Expr::RawAddr(r) => self.expr(&r.expr, Borrow),
            _ => {}
        }
    }
}
