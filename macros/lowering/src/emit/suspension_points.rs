//! Writing a suspension point: the state it keeps (`write_kept`), the
//! awaitee built in place and polled from its own arm (`suspend`), a yield,
//! a join point that goes on in the same poll, and the typed-only `.await`
//! of code that never runs. `Finalize` calls these where it meets a tagged
//! `.await`.

use super::finalize::Finalize;
use super::place_rewrite::PlaceRewrite;
use super::state_enum::has_holes;
use super::*;

impl Finalize<'_> {
    /// Writes the state of suspension point `n`, which holds no awaitee:
    /// the values kept alive there move into it.
    pub(super) fn write_kept(&self, n: usize) -> TokenStream {
        let state = self.state;
        let this = hidden("__lh_this");
        let variant = format_ident!("{}", self.names[n]);
        let fields = &self.variants[n];
        let names = fields.iter().map(|f| &f.name);
        let values = fields.iter().map(|f| &f.binding.ident);
        quote! {
            // SAFETY: while code runs the state is `Panicked` and owns
            // nothing, so writing over it leaks nothing; the kept values
            // are owned by the state from here on.
            unsafe {
                ::longhand::__private::ptr::write(#this, #state::#variant {
                    #(#names: ::longhand::__private::Kept::new(#values),)*
                })
            };
        }
    }

    /// `let pat = init;` whose `init` reaches a join point, or leaves by
    /// itself in this arm (an arm resumed inside the branch that `return`s:
    /// `let (a, b) = if c { x.await; return 0 } else { (c, c) };` is
    /// `let (a, b) = { resumed; return 0 };` there): nothing after it runs
    /// in this arm, and where `init` is a `loop` or block that only jumps,
    /// rustc could not type `pat` (a tuple, say) from it. The bindings are
    /// made in another arm; here the pattern becomes `_`.
    pub(super) fn unbind_before_divergence(&self, s: &mut syn::Stmt) {
        let is_join = |a: &syn::ExprAwait| {
            await_id(a).is_some_and(|n| self.kinds.get(n) == Some(&Kind::Join))
        };
        if let syn::Stmt::Local(l) = s
            && let Some(init) = &mut l.init
            && (crate::awaits::contains_await_where(&init.expr, &is_join)
                || crate::awaits::diverges_at(&init.expr, &|_| false))
        {
            init.diverge = None;
            // A type written out stays (code before the join may need it),
            // unless it leaves holes nothing here would fill.
            l.pat = match &l.pat {
                // (Built as syntax: `_: T` is not a pattern syn parses alone.)
                syn::Pat::Type(t) if !has_holes(&t.ty) => syn::Pat::Type(syn::PatType {
                    pat: Box::new(parse_quote!(_)),
                    ..t.clone()
                }),
                _ => parse_quote!(_),
            };
        }
    }

    /// A join point: write its state and go on from its arm, in this poll.
    pub(super) fn join_point(&self, n: usize) -> Expr {
        let write_state = self.write_kept(n);
        let transition = self.transition_to(n);
        let dispatch = crate::names::hidden_label("'__lh_dispatch");
        parse_quote! {{
            #write_state
            #transition
            continue #dispatch
        }}
    }

    /// The transition from this arm to suspension point `n`, for tracing.
    pub(super) fn transition_to(&self, n: usize) -> TokenStream {
        let function = self.function;
        let from = &self.arm;
        let to = &self.names[n];
        let text = self.await_texts.get(n).cloned().unwrap_or_default();
        quote!(::longhand::__private::trace::transition(#function, #from, #to, #text);)
    }

    /// `yield_!(v)` where it never runs (see `visit_dead`): `v` only typed,
    /// as the item the poll closure returns, so that an operand hoisted out
    /// of it (`match "k".into() { __tmp0 => .. }`) infers there as in the
    /// copy that runs. A value with a closure or `async` block is left out:
    /// its copy here would be of another type.
    pub(super) fn yield_typed_only(&self, value: Option<&Expr>) -> Expr {
        match value {
            Some(value) if !crate::joins::has_closure(value) => {
                let ready = ready_item(quote!(__lh_hole0));
                crate::splice::expr(quote!({ if false { return #ready; } }), vec![value.clone()])
            }
            _ => parse_quote!(()),
        }
    }

    /// `yield_!(v)`: evaluate `v`, keep the values alive there, return
    /// `Ready(Some(v))`; resuming continues in this point's arm.
    pub(super) fn yield_point(&self, n: usize, value: Expr) -> Expr {
        let yielded = hidden("__lh_yielded");
        let write_state = self.write_kept(n);
        let transition = self.transition_to(n);
        let ready = ready_item(quote!(#yielded));
        let yield_item = quote! {
            #transition
            return #ready;
        };
        let sink = hidden("__lh_sink");
        let offer = quote!(::longhand::__private::offer(&mut #sink, __lh_hole0));
        let code = if self.sink && self.runs_on {
            quote! {{
                // Driven by `fold`, the sink takes the item and the body goes on.
                if let ::core::option::Option::Some(#yielded) = #offer {
                    #write_state
                    #yield_item
                }
            }}
        } else if self.sink {
            let dispatch = crate::names::hidden_label("'__lh_dispatch");
            quote! {{
                let __lh_offered = #offer;
                #write_state
                match __lh_offered {
                    ::core::option::Option::Some(#yielded) => {
                        #yield_item
                    }
                    // Driven by `fold`, the sink took the item: go on from
                    // this yield's arm.
                    ::core::option::Option::None => continue #dispatch,
                }
            }}
        } else {
            quote! {{
                let #yielded = __lh_hole0;
                #write_state
                #yield_item
            }}
        };
        crate::splice::expr(code, vec![value])
    }

    /// An `.await` in code that never runs: typed as its output, from its
    /// operand (never evaluated), tied to the awaitee its state holds
    /// unless the operand builds a closure or an `async` block, whose copy
    /// here would be a type of its own.
    pub(super) fn typed_only(&self, n: usize, operand: Expr) -> Expr {
        let state = self.state;
        let this = hidden("__lh_this");
        let variant = format_ident!("{}", self.names[n]);
        let slot = hidden("__lh_slot");
        if crate::joins::has_closure(&operand) {
            return parse_quote!(
                ::longhand::__private::output_of_operand(#operand, ::core::unreachable!())
            );
        }
        parse_quote!({
            // SAFETY: never runs (it follows a suspension); only typed.
            let #state::#variant { __awaitee: #slot, .. } = (unsafe { &mut *#this }) else {
                ::core::unreachable!()
            };
            ::longhand::__private::output_of_operand_in(#slot, #operand, ::core::unreachable!())
        })
    }

    /// `.await` at suspension point `n`: move the kept values into its
    /// state, build the awaitee from `operand` in the state's slot (kept
    /// values reached through their pinned places), and poll it from the
    /// point's own arm in this same poll.
    pub(super) fn suspend(&self, n: usize, operand: Expr) -> Expr {
        let state = self.state;
        let this = hidden("__lh_this");
        let variant = format_ident!("{}", self.names[n]);
        let fields = &self.variants[n];
        let names: Vec<&Ident> = fields.iter().map(|f| &f.name).collect();
        let values: Vec<&Ident> = fields.iter().map(|f| &f.binding.ident).collect();
        // Inside the operand, a kept value is reached through its place in
        // the pinned variant, so the awaitee may borrow it.
        let mut places = HashMap::new();
        for f in fields.iter().rev() {
            places
                .entry(f.binding.ident.to_string())
                .or_insert_with(|| (hidden(&format!("__lh_place_{}", f.name)), f.name.clone()));
        }
        let mut operand = operand;
        let mut rw = PlaceRewrite {
            places: &places,
            used: Vec::new(),
            shadowed: Vec::new(),
        };
        rw.visit_expr_mut(&mut operand);
        let bound = rw.used.iter().map(|(place, field)| quote!(#field: #place));
        let places: Vec<&Ident> = rw.used.iter().map(|(place, _)| place).collect();
        let guard = hidden("__lh_guard");
        let slot = hidden("__lh_slot");
        let transition = self.transition_to(n);
        let dispatch = crate::names::hidden_label("'__lh_dispatch");
        crate::splice::expr(
            quote! {{
                // SAFETY: while code runs the state is `Panicked` and owns
                // nothing, so writing over it leaks nothing; the kept values
                // are owned by the state from here on.
                unsafe {
                    ::longhand::__private::ptr::write(#this, #state::#variant {
                        __awaitee: ::longhand::__private::Awaitee::uninit(),
                        #(#names: ::longhand::__private::Kept::new(#values),)*
                    })
                };
                // SAFETY: until `disarm`, the state is this suspension with an
                // empty awaitee slot; if the awaitee's construction unwinds or
                // leaves early, the guard drops the kept values and poisons it.
                let #guard = unsafe { ::longhand::__private::AbandonGuard::new(#this) };
                // SAFETY: `#this` points to the pinned state; the references
                // bound here point into its current variant, which stays in
                // place until the awaitee completes and is dropped.
                let #state::#variant { __awaitee: #slot, #(#bound,)* .. } = (unsafe { &mut *#this }) else {
                    ::core::unreachable!()
                };
                // SAFETY: the slots were filled just above.
                #(let #places = unsafe { #places.place() };)*
                #slot.init(::core::future::IntoFuture::into_future(__lh_hole0));
                #guard.disarm();
                #transition
                // Poll it in the same poll, from its own arm.
                ::longhand::__private::output_of(#slot, continue #dispatch)
            }},
            vec![operand],
        )
    }
}

/// What the poll closure returns for a yielded `item`: `Ready(Some(item))`.
fn ready_item(item: TokenStream) -> TokenStream {
    quote!(::longhand::__private::Poll::Ready(::core::option::Option::Some(#item)))
}
