//! The state machine as a diagram: one node per state, labelled with what it
//! keeps alive and the `.await` it waits at; one edge per transition.
//!
//! The edges come from the same code the expansion runs: from `Unresumed`
//! (the body from the top) and from each `SuspendN` (the body resumed after
//! its `.await`), the suspension points reachable before the next suspension
//! are the states it can go to, and `Returned` if it can finish.

use crate::awaits::{await_id, stmt_diverges};
use proc_macro2::TokenStream;
use syn::visit::Visit;

/// One state of the machine.
#[derive(Debug, Clone)]
pub struct State {
    /// `Unresumed`, `Suspend0`, ..., `Join0`, ... (see the lowering's join points).
    pub name: String,
    /// The `.await` it waits at, with its line, for `SuspendN`.
    pub waits_at: Option<String>,
    /// The values it keeps alive.
    pub keeps: Vec<String>,
}

/// A transition between two states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Source state name.
    pub from: String,
    /// Target state name.
    pub to: String,
    /// What happens: `poll`, `Pending`, `Ready`, `return`, or `jump` into a
    /// join point (within the same poll).
    pub label: String,
}

/// The whole machine of one function.
#[derive(Debug, Clone)]
pub struct StateGraph {
    /// The function's name.
    pub function: String,
    /// Its states, `Unresumed` first, `Returned` and `Panicked` last.
    pub states: Vec<State>,
    /// Its transitions.
    pub edges: Vec<Edge>,
}

/// Builds the state graph of the `async fn` in `item`.
///
/// ```
/// let g = longhand_lowering::graph::state_graph(quote::quote! {
///     async fn two(a: u32) -> u32 { x(a).await + y().await }
/// }).unwrap();
/// assert_eq!(g.states.len(), 5);
/// assert!(g.edges.iter().any(|e| e.from == "Suspend0" && e.to == "Suspend1"));
/// ```
pub fn state_graph(item: TokenStream) -> Result<StateGraph, String> {
    let func = syn::parse2::<syn::ItemFn>(item).map_err(|e| e.to_string())?;
    if func.sig.asyncness.is_none() {
        return Err(format!("`{}` is not an `async fn`", func.sig.ident));
    }
    let mut errors = Vec::new();
    crate::validate::check_body(&func.block, &crate::mode::Mode::Future, &mut errors);
    if let Some(e) = errors.first() {
        return Err(e.to_string());
    }
    let lowered = crate::prepare(&func, crate::mode::Mode::Future);
    let count = lowered.liveness.keep.len();
    let kinds = crate::joins::kinds(&lowered.body, count);
    let names = crate::joins::state_names(&kinds);
    let mut states = vec![State {
        name: "Unresumed".into(),
        waits_at: None,
        keeps: lowered.params.iter().map(|p| p.field.to_string()).collect(),
    }];
    let points = names
        .iter()
        .zip(&lowered.await_docs)
        .zip(&lowered.liveness.keep);
    for ((name, (text, line)), keep) in points {
        states.push(State {
            name: name.clone(),
            waits_at: Some(match line {
                Some(l) => format!("{text} (line {l})"),
                None => text.clone(),
            }),
            keeps: keep.stored.iter().map(|b| field_label(&b.ident)).collect(),
        });
    }
    states.push(State {
        name: "Returned".into(),
        waits_at: None,
        keeps: Vec::new(),
    });
    states.push(State {
        name: "Panicked".into(),
        waits_at: None,
        keeps: Vec::new(),
    });

    let mut edges = Vec::new();
    let mut add = |from: &str, to: String, label: &str| {
        let e = Edge {
            from: from.into(),
            to,
            label: label.into(),
        };
        if !edges.contains(&e) {
            edges.push(e);
        }
    };
    let (next, finishes) = reachable(&lowered.body);
    // Into a join point the machine jumps, within the poll.
    let into = |m: usize, label: &'static str| match kinds[m] {
        crate::joins::Kind::Join => "jump",
        _ => label,
    };
    for m in next {
        add("Unresumed", names[m].clone(), into(m, "poll"));
    }
    if finishes {
        add("Unresumed", "Returned".into(), "return");
    }
    let slots = lowered.liveness.slots();
    for n in 0..count {
        let from = names[n].clone();
        let (resumed, pending) = match kinds[n] {
            crate::joins::Kind::Join => ("poll", None),
            _ => ("Ready", Some("Pending")),
        };
        if let Some(pending) = pending {
            add(&from, from.clone(), pending);
        }
        let body = crate::resume::resume_body(&lowered.body, n, &lowered.liveness.keep[n], &slots);
        let (next, finishes) = reachable(&body);
        for m in next {
            add(&from, names[m].clone(), into(m, resumed));
        }
        if finishes {
            add(&from, "Returned".into(), "return");
        }
    }
    Ok(StateGraph {
        function: func.sig.ident.to_string(),
        states,
        edges,
    })
}

fn field_label(ident: &proc_macro2::Ident) -> String {
    let s = ident.to_string();
    match s.trim_start_matches('_') {
        "self" | "lh_self" => "self".into(),
        t if s.starts_with("__") => t.to_string(),
        _ => s,
    }
}

/// The suspension points a stretch of code can reach before suspending, and
/// whether it can run to its end (or `return`) without suspending.
fn reachable(body: &syn::Block) -> (Vec<usize>, bool) {
    struct Walk {
        found: Vec<usize>,
        returns: bool,
    }
    impl<'a> Visit<'a> for Walk {
        fn visit_block(&mut self, b: &'a syn::Block) {
            // Statements after one that always suspends run in another state.
            let end = b
                .stmts
                .iter()
                .position(stmt_diverges)
                .map_or(b.stmts.len(), |k| k + 1);
            for s in &b.stmts[..end] {
                self.visit_stmt(s);
            }
        }
        fn visit_expr_await(&mut self, a: &'a syn::ExprAwait) {
            syn::visit::visit_expr_await(self, a);
            if let Some(n) = await_id(a)
                && !self.found.contains(&n)
            {
                self.found.push(n);
            }
        }
        fn visit_expr_return(&mut self, r: &'a syn::ExprReturn) {
            // `return g().await` suspends first: it returns from another state.
            if !r.expr.as_deref().is_some_and(crate::awaits::diverges) {
                self.returns = true;
            }
            syn::visit::visit_expr_return(self, r);
        }
        fn visit_expr_try(&mut self, t: &'a syn::ExprTry) {
            self.returns = true;
            syn::visit::visit_expr_try(self, t);
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut w = Walk {
        found: Vec::new(),
        returns: false,
    };
    w.visit_block(body);
    let always_suspends = body.stmts.iter().any(stmt_diverges_by_suspending);
    w.found.sort();
    (w.found, w.returns || !always_suspends)
}

/// A statement that always suspends (rather than leaving with `return`).
fn stmt_diverges_by_suspending(s: &syn::Stmt) -> bool {
    stmt_diverges(s) && {
        struct Leaves(bool);
        impl<'a> Visit<'a> for Leaves {
            fn visit_expr_return(&mut self, _: &'a syn::ExprReturn) {
                self.0 = true;
            }
            fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
            fn visit_item(&mut self, _: &'a syn::Item) {}
        }
        let mut l = Leaves(false);
        l.visit_stmt(s);
        !l.0
    }
}

impl StateGraph {
    /// The diagram in Mermaid's `stateDiagram-v2` (renders on GitHub).
    pub fn mermaid(&self) -> String {
        let mut out = String::from("stateDiagram-v2\n");
        out.push_str("    [*] --> Unresumed\n");
        for s in &self.states {
            out.push_str(&format!("    {}: {}\n", s.name, self.label(s, "<br/>")));
        }
        for e in &self.edges {
            out.push_str(&format!("    {} --> {}: {}\n", e.from, e.to, e.label));
        }
        out.push_str("    Returned --> [*]\n");
        out.push_str("    note right of Panicked: any poll that panics ends here\n");
        out
    }

    /// The diagram in Graphviz DOT.
    pub fn dot(&self) -> String {
        let mut out = format!(
            "digraph \"{}\" {{\n    rankdir=TB;\n    node [shape=box];\n",
            self.function
        );
        for s in &self.states {
            let label = self.label(s, "\\n").replace('"', "\\\"");
            out.push_str(&format!("    {} [label=\"{label}\"];\n", s.name));
        }
        for e in &self.edges {
            out.push_str(&format!(
                "    {} -> {} [label=\"{}\"];\n",
                e.from, e.to, e.label
            ));
        }
        out.push_str("}\n");
        out
    }

    fn label(&self, s: &State, newline: &str) -> String {
        let mut parts = vec![s.name.clone()];
        if let Some(w) = &s.waits_at {
            parts.push(format!("at {}", w.replace(':', "#58;").replace('"', "'")));
        }
        if !s.keeps.is_empty() {
            let verb = if s.name == "Unresumed" {
                "holds"
            } else {
                "keeps"
            };
            parts.push(format!("{verb} {}", s.keeps.join(", ")));
        }
        parts.join(newline)
    }
}
