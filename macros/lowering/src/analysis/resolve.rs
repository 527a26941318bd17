//! The resolver's bookkeeping: positions, scopes and name resolution,
//! declarations and the borrows their values come from, and the loops,
//! branches and jumps each use sits in.

use super::shapes::may_hold_box;
use super::*;
use crate::callee::consumed_by_call;

impl Resolver {
    pub(super) fn tick(&mut self) -> usize {
        self.pos += 1;
        self.pos
    }

    pub(super) fn resolve(&self, name: &str) -> Option<usize> {
        for scope in self.scopes.iter().rev() {
            for (n, id) in scope.iter().rev() {
                if n == name {
                    return *id;
                }
            }
        }
        None
    }

    /// A use of `name` by a reference tagged `tag`: the tag is resolved too.
    pub(super) fn use_tagged(&mut self, name: &str, tag: Option<usize>, kind: UseKind) {
        if let (Some(k), Some(id)) = (tag, self.resolve(name)) {
            self.refs.insert(k, id);
        }
        self.current_tag = tag;
        self.use_name(name, kind);
        self.current_tag = None;
    }

    pub(super) fn use_name(&mut self, name: &str, kind: UseKind) {
        // A captured local the body consumes (`|| drop(d)`) is captured by
        // value, `move` or not, and the closure is an `FnOnce`.
        let consumed =
            self.consuming && self.outer_moving.is_some() && self.resolve(name).is_some();
        if consumed {
            self.consuming_captures.iter_mut().for_each(|c| *c = true);
        }
        let kind = match self.outer_moving {
            Some(true) if kind != UseKind::Assign => UseKind::Move,
            Some(false) if consumed => UseKind::Move,
            Some(false) if matches!(kind, UseKind::Move | UseKind::Read) => UseKind::Borrow,
            _ => kind,
        };
        if let Some(id) = self.resolve(name) {
            let tag = self.current_tag.take();
            if let Some(tag) = tag {
                self.ref_kinds.insert(tag, (id, kind));
            }
            if kind == UseKind::Borrow {
                self.borrows.push(id);
            }
            // A value moved into the one being computed takes along what
            // it borrows (`let it = a.iter().zip(&c); for x in it {..}`: the
            // loop's iterator, `into_iter(it)`, borrows `c`).
            if kind == UseKind::Move
                && let Some(info) = self.bindings.get(&id)
            {
                self.borrows.extend(info.sources.iter().copied());
            }
            let pos = self.tick();
            let u = Use {
                pos,
                kind,
                loops: self.loops.clone(),
                branches: self.branches.clone(),
                then: Jump::default(),
                tag,
            };
            if let Some(b) = self.bindings.get_mut(&id) {
                b.uses.push(u);
            }
        }
    }

    /// Declares `pat`'s bindings, whose value came from an expression that
    /// borrowed `self.borrows[from..]`.
    /// A value taken from place `value` (`let y = x;`, `match cur { [a,
    /// rest @ ..] => .. }`) carries what that local borrows.
    pub(super) fn declare_from(
        &mut self,
        pat: &Pat,
        initialized: bool,
        from: usize,
        simple_let: bool,
        value: Option<&Expr>,
    ) {
        let sources = self.sources_since(from, value);
        let boxed = value.is_some_and(may_hold_box);
        let reference =
            value.is_some_and(is_reference) && crate::bindings::binds_only_references(pat);
        self.declare(pat, initialized);
        for b in bindings_of(pat) {
            if let Some(info) = self.bindings.get_mut(&b.id) {
                info.sources = sources.clone();
                info.simple_let = simple_let;
                info.boxed = boxed;
                info.reference |= reference;
            }
        }
    }

    /// What a value computed since `self.borrows[from..]` borrows; taken
    /// from place `value`, also what that local borrows.
    pub(super) fn sources_since(&self, from: usize, value: Option<&Expr>) -> HashSet<usize> {
        let start = from.min(self.borrows.len());
        let mut sources: HashSet<usize> = self.borrows[start..].iter().copied().collect();
        if let Some(info) = value
            .and_then(|v| self.place_binding(v))
            .and_then(|id| self.bindings.get(&id))
        {
            sources.extend(info.sources.iter().copied());
        }
        // Borrowing a local that holds borrows may reach through it
        // (`let t = &text; let h = t.trim();`: `h` borrows `text`).
        let through: Vec<usize> = sources
            .iter()
            .filter_map(|s| self.bindings.get(s))
            .flat_map(|info| info.sources.iter().copied())
            .collect();
        sources.extend(through);
        sources
    }

    /// The local that `e` names, if it is a plain path (`x`).
    pub(super) fn local(&self, e: &Expr) -> Option<usize> {
        match e {
            Expr::Path(p) if p.path.segments.len() == 1 && p.qself.is_none() => {
                self.resolve(&p.path.segments[0].ident.to_string())
            }
            _ => None,
        }
    }

    /// Whether a call consumes what `l` binds, where its declared type
    /// (`declared`, see `declared_type`) or its initializer says (`callee`).
    pub(super) fn consumed_by_call(
        &self,
        l: &syn::Local,
        declared: Option<&syn::Type>,
    ) -> Option<bool> {
        match l.init.as_ref().map(|i| &*i.expr) {
            // A closure written here: an `FnOnce` if its body consumes what
            // it captured (it was visited last).
            Some(Expr::Closure(_)) => Some(self.last_capture_consumed),
            Some(Expr::Reference(_)) => Some(false),
            _ => declared.and_then(|ty| self.with_generics(|g| consumed_by_call(ty, g))),
        }
    }

    /// Calls `f` with the function's generic parameters (none outside a
    /// function).
    pub(super) fn with_generics<R>(&self, f: impl FnOnce(&syn::Generics) -> R) -> R {
        match &self.sig {
            Some(sig) => f(&sig.generics),
            None => f(&syn::Generics::default()),
        }
    }

    /// Whether `l` binds a parameter (`let x = __lh_arg0;`, the prelude
    /// `signature::params` writes), and the type it declares: its
    /// pattern's, or for a parameter the signature's.
    pub(super) fn declared_type<'a>(&'a self, l: &'a syn::Local) -> (bool, Option<&'a syn::Type>) {
        let init = l.init.as_ref().map(|i| &*i.expr);
        let param = init
            .and_then(|e| match e {
                Expr::Path(p) => p.path.get_ident(),
                _ => None,
            })
            .and_then(|i| {
                i.to_string()
                    .strip_prefix("__lh_arg")?
                    .parse::<usize>()
                    .ok()
            });
        let sig = self.sig.as_ref();
        let declared = match (&l.pat, param, sig) {
            (Pat::Type(t), _, _) => Some(&*t.ty),
            (_, Some(k), Some(sig)) => match sig.inputs.iter().nth(k) {
                Some(syn::FnArg::Typed(t)) => Some(&*t.ty),
                _ => None,
            },
            _ => None,
        };
        (param.is_some(), declared)
    }

    /// The local that place `e` is in (`x`, `x.field`, `*x`, `(x)`).
    pub(super) fn place_binding(&self, e: &Expr) -> Option<usize> {
        match e {
            Expr::Path(_) => self.local(e),
            Expr::Field(f) => self.place_binding(&f.base),
            Expr::Paren(p) => self.place_binding(&p.expr),
            Expr::Group(g) => self.place_binding(&g.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.place_binding(&u.expr),
            _ => None,
        }
    }

    pub(super) fn declare(&mut self, pat: &Pat, initialized: bool) {
        for b in bindings_of(pat) {
            if let Some(old) = self.resolve(&b.ident.to_string()) {
                self.shadowed.insert(old);
            }
        }
        // Untagged names (inside closures and async blocks) still shadow.
        self.shadow(pat);
        for b in bindings_of(pat) {
            self.bindings.insert(
                b.id,
                BindingInfo {
                    binding: b.clone(),
                    initialized,
                    loops: self.loops.clone(),
                    uses: Vec::new(),
                    sources: HashSet::new(),
                    simple_let: false,
                    reference: false,
                    closure: false,
                    consumed_by_call: None,
                    param: false,
                    boxed: false,
                    oneshot_sender: false,
                    user_type: false,
                },
            );
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((b.ident.to_string(), Some(b.id)));
            }
        }
    }

    /// Names a closure's parameters shadow (untracked).
    pub(super) fn shadow(&mut self, pat: &Pat) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.extend(
                crate::bindings::pattern_names(pat)
                    .into_iter()
                    .map(|s| (s, None)),
            );
        }
    }

    pub(super) fn in_loop(&mut self, label: Option<&syn::Label>, f: impl FnOnce(&mut Self)) {
        let id = self.next_loop;
        self.next_loop += 1;
        self.loops.push(id);
        self.in_target(label, Some(id), f);
        self.loops.pop();
    }

    /// Visits a loop or labelled block that `break` can leave.
    pub(super) fn in_target(
        &mut self,
        label: Option<&syn::Label>,
        id: Option<usize>,
        f: impl FnOnce(&mut Self),
    ) {
        let end = self.ends.len();
        self.ends.push(usize::MAX);
        let name = label.map(|l| l.name.ident.to_string());
        self.targets.push((name, id, end));
        f(self);
        self.targets.pop();
        self.ends[end] = self.pos;
    }

    /// Where statement `s` jumps when it is reached (`break`, `return`,
    /// `continue 'outer`, `panic!`): see [`Resolver::jumps`].
    pub(super) fn leaves(&self, s: &Stmt) -> Option<Leaving> {
        match s {
            Stmt::Macro(m) if crate::awaits::never_returns(&m.mac) => self.leaves_everything(),
            Stmt::Expr(e, _) => self.jumps(e),
            _ => None,
        }
    }

    /// A `return` or `panic!`: every loop, and nothing reached after it
    /// (but a closure's or `async` block's own are their business).
    pub(super) fn leaves_everything(&self) -> Option<Leaving> {
        let in_closure = self.outer_moving.is_some();
        (!in_closure).then(|| Leaving {
            loops: self.loops.clone(),
            to: usize::MAX,
            to_head: false,
        })
    }

    /// Where `e` jumps, if it is a jump (`break`, `return`, `continue
    /// 'outer`, `panic!`): the loops it leaves for good, and the target it
    /// skips to the end of. Inside a closure or `async` block, `return` and
    /// `panic!` are its own business.
    pub(super) fn jumps(&self, e: &Expr) -> Option<Leaving> {
        let loops_from =
            |i: usize| -> Vec<usize> { self.targets[i..].iter().filter_map(|t| t.1).collect() };
        let target = |label: &Option<syn::Lifetime>| match label {
            Some(l) => {
                let name = l.ident.to_string();
                self.targets
                    .iter()
                    .rposition(|t| t.0.as_deref() == Some(name.as_str()))
            }
            None => self.targets.iter().rposition(|t| t.1.is_some()),
        };
        match e {
            Expr::Return(_) => self.leaves_everything(),
            Expr::Macro(m) if crate::awaits::never_returns(&m.mac) => self.leaves_everything(),
            Expr::Break(b) => target(&b.label).map(|i| Leaving {
                loops: loops_from(i),
                to: self.targets[i].2,
                to_head: false,
            }),
            // To the loop's head: it leaves only the loops inside that one.
            Expr::Continue(c) => target(&c.label).map(|i| Leaving {
                loops: loops_from(i + 1),
                to: self.targets[i].2,
                to_head: true,
            }),
            _ => None,
        }
    }

    pub(super) fn in_scope(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(Vec::new());
        f(self);
        self.scopes.pop();
    }

    pub(super) fn in_branch(&mut self, node: usize, arm: usize, f: impl FnOnce(&mut Self)) {
        self.branches.push((node, arm));
        f(self);
        self.branches.pop();
        self.arm_ends.insert((node, arm), self.pos);
    }

    /// Does every run through arm `arm` of `node` jump out of it (`None =>
    /// return ..`), by a jump written in the arm itself? Where to, if so.
    pub(super) fn arm_exit(&self, node: usize, arm: usize) -> Option<ArmExit> {
        let &end = self.arm_ends.get(&(node, arm))?;
        let (_, jump) = self.arm_jumps.iter().find(|(a, j)| {
            *a == (node, arm)
                && self
                    .ends
                    .get(j.to)
                    .is_none_or(|&target_end| target_end >= end)
        })?;
        Some(match self.ends.get(jump.to) {
            None => ArmExit::Nowhere,
            Some(_) if jump.to_head => ArmExit::Head,
            Some(&target_end) => ArmExit::After(target_end),
        })
    }

    /// A new branching construct with `arms` ways through it (an `if`
    /// without `else` has two: the second runs nothing).
    pub(super) fn branch_node(&mut self, arms: usize) -> usize {
        self.next_branch += 1;
        self.arms.insert(self.next_branch, arms);
        self.next_branch
    }

    pub(super) fn block(&mut self, b: &syn::Block) {
        let start = self.pos;
        self.in_scope(|r| {
            for s in &b.stmts {
                r.stmt(s);
                if let Some(jump) = r.leaves(s) {
                    r.mark_leaving(start, jump);
                }
            }
        });
    }

    /// Every use and suspension point since position `start` is followed by
    /// a jump that leaves `loops` for good and skips to the end of target
    /// `to`.
    pub(super) fn mark_leaving(&mut self, start: usize, jump: Leaving) {
        let from = self.tick();
        let (loops, to) = (&jump.loops, jump.to);
        for info in self.bindings.values_mut() {
            for u in info.uses.iter_mut().filter(|u| u.pos > start) {
                u.then.mark(loops, from, to);
            }
        }
        for a in self.awaits.values_mut().filter(|a| a.pos > start) {
            a.then.mark(loops, from, to);
        }
        if let Some(&arm) = self.branches.last() {
            self.arm_jumps.push((arm, jump));
        }
    }
}

/// Is `e` a reference written as one (`&x`, `&mut self.buf`)? A pattern
/// matched against it (`if let Err(e) = &res`, `let (a, b) = &pair;`)
/// binds references (see `binds_only_references`), which have no
/// destructor.
fn is_reference(e: &Expr) -> bool {
    match e {
        Expr::Reference(_) => true,
        Expr::Paren(p) => is_reference(&p.expr),
        Expr::Group(g) => is_reference(&g.expr),
        _ => false,
    }
}
