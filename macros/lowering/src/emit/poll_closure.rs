//! The poll closure: a dispatch loop over the state, with one arm per
//! state. `Unresumed` runs the body up to its first suspension; each
//! `SuspendN` polls its awaitee, takes its values back and runs the body's
//! rest from there (see `resume`), each arm's code finished by `Finalize`.

use super::finalize::Finalize;
use super::*;

/// The `|state, pins, cx| loop { match state { .. } }` closure.
pub(super) fn closure(plan: &Plan<'_>, layout: &Layout<'_>) -> TokenStream {
    let Layout {
        fn_name,
        state,
        slots,
        ret,
        poll_output,
        kinds,
        names,
        holds_awaitee,
        held,
        variants,
        ..
    } = layout;
    let awaits = layout.awaits;
    let generator = layout.generator;
    let annotate = layout.annotate;
    let variant_of = |n: usize| layout.variant_of(n);
    let take_of = |n: usize| layout.take_of(n);
    // The arms of the poll closure.
    let this = hidden("__lh_this");
    let cx = hidden("__lh_cx");
    let pins = hidden("__lh_pins");
    let ret_var = hidden("__lh_ret");
    let body_label = crate::names::hidden_label("'__lh_body");
    let ret_annot = annotate.then(|| quote!(: #ret));
    let await_texts: Vec<String> = plan.await_docs.iter().map(|(t, _)| t.clone()).collect();
    // A sync generator's yields may hand their item to a sink (see
    // `__private::Sink`) instead of suspending.
    let sink = matches!(plan.mode, crate::mode::Mode::Iterator(_));
    let sink_arg = sink.then(|| {
        let sink = hidden("__lh_sink");
        quote!(mut #sink)
    });
    let mut finalize = Finalize {
        state,
        variants,
        body_label: body_label.clone(),
        kinds,
        names,
        function: fn_name,
        arm: "Unresumed".into(),
        await_texts: &await_texts,
        sink,
        dead: false,
        keep_rest: false,
        unset: Vec::new(),
        // The first arm runs the whole body when a sink takes every item.
        runs_on: sink,
    };
    let trace = |from: &str, to: &str, awaited: &str| quote!(::longhand::__private::trace::transition(#fn_name, #from, #to, #awaited););
    let finished = if generator {
        quote!({
            let () = #ret_var;
            ::core::option::Option::None
        })
    } else {
        quote!(#ret_var)
    };
    let epilogue = |from: &str| {
        let traced = trace(from, "Returned", "");
        quote! {
            // SAFETY: the state is `Panicked` while the body runs and owns
            // nothing, so overwriting it leaks nothing.
            unsafe { ::longhand::__private::ptr::write(#this, #state::Returned) };
            #traced
            return ::longhand::__private::Poll::Ready(#finished);
        }
    };

    let mut unresumed_body = plan.body.clone();
    finalize.visit_block_mut(&mut unresumed_body);
    crate::macro_aliases::StripUses.visit_block_mut(&mut unresumed_body);
    let unresumed_stmts = &unresumed_body.stmts;
    let unresumed_epilogue = epilogue("Unresumed");
    let taken: Vec<&Ident> = held.iter().map(|p| &p.taken).collect();
    // A sync generator's first resumption happens once, its suspensions
    // once per item: telling the optimiser lets the dispatch test the
    // suspensions first.
    let cold = sink.then(|| quote!(::core::hint::cold_path();));
    let unresumed_arm = quote! {
        #state::Unresumed { .. } => {
            #cold
            // SAFETY: `#this` points to the pinned state, which is `Unresumed`.
            let (#(#taken,)*) = unsafe { #state::take_unresumed(#this) };
            let #ret_var #ret_annot = #body_label: { #(#unresumed_stmts)* };
            #unresumed_epilogue
        }
    };
    let resumed = resumed_value();
    let suspend_arms = (0..awaits).map(|n| {
        let variant = variant_of(n);
        let take = take_of(n);
        let mut body = resume_body(&plan.body, n, &plan.liveness.keep[n], slots);
        let arm = names[n].clone();
        finalize.arm = arm.clone();
        finalize.runs_on = false;
        finalize.visit_block_mut(&mut body);
        crate::macro_aliases::StripUses.visit_block_mut(&mut body);
        let arm_epilogue = epilogue(&arm);
        let pending = trace(&arm, &arm, &await_texts[n]);
        let stmts = &body.stmts;
        let slots: Vec<Ident> = variants[n].iter().map(|f| restored(f.binding.id)).collect();
        let slot = hidden("__lh_slot");
        if !holds_awaitee[n] {
            return quote! {
                #state::#variant { .. } => {
                    // Resumed after a `yield_!` (it evaluates to `()`), or
                    // at a join point, in the same poll.
                    let #resumed = ();
                    // SAFETY: `#this` points to the pinned state, which is `#variant`.
                    let (#(#slots,)*) = unsafe { #state::#take(#this) };
                    let #ret_var #ret_annot = #body_label: { #(#stmts)* };
                    #arm_epilogue
                }
            };
        }
        quote! {
            #state::#variant { __awaitee: #slot, .. } => {
                // SAFETY: `#slot` is the live awaitee of the pinned state.
                let #resumed = match unsafe {
                    ::longhand::__private::poll_awaitee(#this, #pins, #slot, #cx)
                } {
                    ::longhand::__private::Poll::Ready(value) => value,
                                        ::longhand::__private::Poll::Pending => {
                        #pending
                        return ::longhand::__private::Poll::Pending;
                    }
                };
                // SAFETY: the awaitee of this `#variant` has just completed.
                let (#(#slots,)*) = unsafe { #state::#take(#this) };
                let #ret_var #ret_annot = #body_label: { #(#stmts)* };
                #arm_epilogue
            }
        }
    });

    let state_arg = hidden("__lh_state");
    let pins_arg = hidden("__lh_pins");
    let slot_ptrs = (0..plan.liveness.pinned.len()).map(|k| {
        let slot = crate::pin::slot_ident(k);
        let index = syn::Index::from(k);
        // SAFETY (in the template): `__lh_pins` points to the future's pin slots.
        quote!(let #slot = unsafe { &raw mut (*#pins_arg).#index };)
    });
    let carriers = crate::type_carriers::declarations(&plan.liveness);
    let dispatch = crate::names::hidden_label("'__lh_dispatch");
    let closure_ret = annotate.then(|| quote!(-> ::longhand::__private::Poll<#poll_output>));
    // rustc's messages: `gen` blocks say `None` is all they give after a
    // panic; `async gen` blocks, like `async fn`, were "resumed".
    let poisoned = if sink {
        "`gen fn` should just keep returning `None` after panicking"
    } else {
        "`async gen fn` resumed after panicking"
    };
    let (returned_arm, panicked_arm) = if generator {
        (
            quote!(#state::Returned => return ::longhand::__private::Poll::Ready(::core::option::Option::None),),
            quote!(#state::Panicked => ::core::panic!(#poisoned),),
        )
    } else {
        (
            quote!(#state::Returned => ::core::panic!("`async fn` resumed after completion"),),
            quote!(#state::Panicked => ::core::panic!("`async fn` resumed after panicking"),),
        )
    };
    // A generator's poll is inlined into `next`, so that iterating it
    // compiles to one loop, as a hand-written iterator does; a future's poll
    // is left to the optimiser (forcing it inlines whole nested machines).
    let inline = generator.then(|| quote!(#[inline(always)]));
    // An `unsafe { .. x.await .. }` block is written out in each arm; in
    // the arm that only resumes it, what needed `unsafe` may be gone.
    let unsafe_awaits = awaits_in_unsafe(&plan.body).then(|| quote!(#[allow(unused_unsafe)]));
    let closure = quote! {
        #[allow(unused_variables, unused_mut, unused_labels, unreachable_code, unused_braces,
                unused_parens, non_shorthand_field_patterns,
                clippy::let_unit_value, clippy::needless_return,
                clippy::never_loop, clippy::diverging_sub_expression,
                // Shorthand fields are written out (`ids: ids`, also in
                // patterns), see `normalize`.
                clippy::redundant_field_names,
                // A loop whose body suspends is written in each arm up to the
                // suspension, which moves the condition's locals into the
                // state: clippy then sees nothing in the loop change them.
                clippy::while_immutable_condition,
                // A `let x;` assigned after a suspension is declared again,
                // without a value, in the arm that assigns it.
                clippy::needless_late_init,
                // The user's `#[expect(unused_variables)]` is checked on the
                // native copy of the body; in the arms the local may be kept
                // for its destructor, and so used.
                unfulfilled_lint_expectations,
                // A block's `macro_rules!` is declared again in each arm that
                // resumes after it, used there or not.
                unused_macros,
                // What is left of a statement resumed at its suspension may
                // be only the resumed value (`match k { A => yield_!(v), .. }`
                // resumed in that arm: `{ __lh_resumed };`).
                clippy::no_effect,
                // A `yield_!` in code only typed here is `()`, which may end
                // a block (`Some(n) => { let p = ..; () }` after a pinned
                // binding).
                clippy::unused_unit)]
        #unsafe_awaits
        #inline
        |#state_arg, #pins_arg, #cx, #sink_arg| #closure_ret {
            // SAFETY: the state is pinned; it is only ever accessed in place
            // through this pointer and never moved.
            let #this: *mut _ = unsafe {
                ::longhand::__private::Pin::get_unchecked_mut(#state_arg)
            };
            // The pinned locals' slots, reached in place (see `__private::PinSlot`).
            #(#slot_ptrs)*
            // The types of locals declared anew (see `type_carriers`).
            #carriers
            #dispatch: loop {
                // SAFETY: `#this` points to the pinned state (see above).
                match unsafe { &mut *#this } {
                    #unresumed_arm
                    #(#suspend_arms)*
                    #returned_arm
                    #panicked_arm
                }
            }
        }
    };
    closure
}

/// Does the body suspend inside an `unsafe` block?
fn awaits_in_unsafe(body: &Block) -> bool {
    struct Find(bool);
    impl<'a> syn::visit::Visit<'a> for Find {
        fn visit_expr_unsafe(&mut self, u: &'a syn::ExprUnsafe) {
            self.0 |= crate::awaits::block_contains_await(&u.block);
        }
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_block(&mut f, body);
    f.0
}
