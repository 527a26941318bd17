//! Emission: the state enum, its helpers, and the poll closure.
//!
//! ```text
//! fn f(args) -> impl Future<Output = R> {
//!     enum FState<P0, .., L0, .., A0, ..> {
//!         Unresumed { args.. },
//!         Suspend0 { __awaitee: Awaitee<A0>, kept values.. },   // one per .await
//!         Returned,
//!         Panicked,
//!     }
//!     impl FState { take_unresumed, take_suspend0, .. }       // move values out
//!     unsafe impl StateMachine for FState { abandon }         // unwind support
//!     lowered(FState::Unresumed { args }, |state, cx| loop {
//!         match state {
//!             Unresumed => { take args; body up to each first .await }
//!             Suspend0  => { poll awaitee or return Pending; take values; rest }
//!             Returned | Panicked => panic!(..),
//!         }
//!     })
//! }
//! ```
//!
//! Code runs with the state set to `Panicked`: every stored value has been
//! moved out into ordinary locals, so a panic in user code unwinds through
//! real Rust locals (dropped by Rust, in order) and leaves a poisoned future,
//! as rustc's lowering does. Reaching an `.await` writes its `SuspendN`
//! variant (moving the kept values in, field order = drop order), builds the
//! awaitee from references into that pinned variant, and jumps back to the
//! dispatch loop, which polls it in the same poll. Completing writes
//! `Returned`.

use crate::analysis::Liveness;
use crate::awaits::await_id;
use crate::bindings::{Binding, StripTags};
use crate::joins::Kind;
use crate::names::{hidden, restored};
use crate::resume::{resume_body, resumed_value};
use crate::signature::Param;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashMap;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, parse_quote};

/// Everything the emitter needs about one function.
pub struct Plan<'a> {
    /// The function as the user wrote it (attributes, signature, name).
    pub item: &'a syn::ItemFn,
    /// The outer signature (async removed, parameters renamed).
    pub sig: syn::Signature,
    /// The parameters.
    pub params: Vec<Param>,
    /// The items declared in the body, which the function declares first.
    pub items: Vec<syn::Stmt>,
    /// The normalised body, parameter prelude included.
    pub body: Block,
    /// Liveness at each suspension point.
    pub liveness: Liveness,
    /// Source text and line of each suspension point, for the docs.
    pub await_docs: Vec<(String, Option<usize>)>,
    /// The native borrow check of the body, when locals are pinned.
    pub check: Option<TokenStream>,
    /// An `async fn`, or a generator.
    pub mode: crate::mode::Mode,
}

/// One stored value of a `SuspendN` variant.
struct Field {
    binding: Binding,
    name: Ident,
    ty: Ident,
}

fn field_name(b: &Binding, taken: &mut Vec<String>) -> Ident {
    let raw = b.ident.to_string();
    let base = match raw.trim_start_matches('_') {
        "self" | "lh_self" => "self_".to_string(),
        "" => "value".to_string(),
        s if raw.starts_with("__") => s.to_string(),
        _ => raw.trim_start_matches("r#").to_string(),
    };
    // `r#match` is field `match_`: a field name cannot be a keyword.
    let base = if syn::parse_str::<syn::Ident>(&base).is_err() {
        format!("{base}_")
    } else {
        base
    };
    let mut name = base.clone();
    let mut k = 2;
    while taken.contains(&name) || name == "__awaitee" {
        name = format!("{base}_{k}");
        k += 1;
    }
    taken.push(name.clone());
    Ident::new(&name, Span::call_site())
}

/// Emits the whole lowered function.
pub fn emit(plan: Plan<'_>) -> TokenStream {
    let item = plan.item;
    let items = &plan.items;
    let fn_name = item.sig.ident.to_string();
    // `FetchTotalState`, unless the function names a type of that name
    // (its own `enum ConnectState` for `async fn connect`): declared in the
    // body, the state enum would shadow it there.
    let plain = format!("{}State", crate::names::camel_case(&fn_name));
    let state = if crate::macro_args::token_names(&quote!(#item))
        .iter()
        .any(|i| *i == plain)
    {
        format_ident!("__Lh{plain}")
    } else {
        format_ident!("{plain}")
    };
    let awaits = plan.liveness.keep.len();
    let slots = plan.liveness.slots();
    let check = &plan.check;

    let generator = plan.mode.is_generator();
    // The body's value: the output of an `async fn`, `()` for a generator,
    // whose poll returns `Poll<Option<Item>>`.
    let ret: syn::Type = match (&plan.mode, &item.sig.output) {
        (m, _) if m.is_generator() => parse_quote!(()),
        (_, syn::ReturnType::Default) => parse_quote!(()),
        (_, syn::ReturnType::Type(_, t)) => (**t).clone(),
    };
    let poll_output: syn::Type = match plan.mode.item() {
        Some(item) => parse_quote!(::core::option::Option<#item>),
        None => ret.clone(),
    };
    let annotate = !crate::signature::mentions_impl(&poll_output);
    let kinds = crate::joins::kinds(&plan.body, awaits);
    let names = crate::joins::state_names(&kinds);
    let variant_of = |n: usize| format_ident!("{}", names[n]);
    // `take_suspend0`, `take_join0`: moves a state's values out.
    let take_of = |n: usize| format_ident!("take_{}", names[n].to_lowercase());
    let holds_awaitee: Vec<bool> = kinds.iter().map(|k| k.has_awaitee()).collect();

    // Generic parameters and fields of each variant.
    let mut generics: Vec<Ident> = Vec::new();
    // The parameters `Unresumed` holds: all but the pinned ones, which wait
    // in their slots (see `pin::rewrite`).
    let held: Vec<&Param> = plan.params.iter().filter(|p| p.slot.is_none()).collect();
    let param_tys: Vec<Ident> = (0..held.len()).map(|i| format_ident!("P{i}")).collect();
    generics.extend(param_tys.iter().cloned());
    let mut next_local = 0;
    let mut variants: Vec<Vec<Field>> = Vec::new();
    let mut awaitee_tys = Vec::new();
    for (n, (keep, awaitee)) in plan.liveness.keep.iter().zip(&holds_awaitee).enumerate() {
        let a = format_ident!("A{n}");
        if *awaitee {
            generics.push(a.clone());
        }
        awaitee_tys.push(a);
        let mut taken = Vec::new();
        let mut fields = Vec::new();
        // Field order is drop order: the latest declared value first.
        for b in keep.stored.iter().rev() {
            let ty = format_ident!("L{next_local}");
            next_local += 1;
            generics.push(ty.clone());
            fields.push(Field {
                binding: b.clone(),
                name: field_name(b, &mut taken),
                ty,
            });
        }
        variants.push(fields);
    }

    // The enum.
    let param_fields: Vec<&Ident> = held.iter().map(|p| &p.field).collect();
    let unresumed_doc = unresumed_doc(&plan.params);
    let suspend_variants = (0..awaits).map(|n| {
        let name = variant_of(n);
        let a = &awaitee_tys[n];
        let (text, line) = &plan.await_docs[n];
        let line = line.map(|l| format!(" (line {l})")).unwrap_or_default();
        let at = match kinds[n] {
            Kind::Await => format!("Waiting at `{text}`{line}"),
            Kind::Yield => format!("Suspended at `{text}`{line}"),
            Kind::Join => format!(
                "Join point, passed within a poll: {text}{line} is written once, in this \
                 state's arm"
            ),
        };
        let keeps = if variants[n].is_empty() {
            "; keeps nothing else alive.".to_string()
        } else {
            format!(
                "; keeps {} alive.",
                list(variants[n].iter().rev().map(|f| f.name.to_string()))
            )
        };
        let pinned = &plan.liveness.keep[n].pinned;
        let pins = if pinned.is_empty() {
            String::new()
        } else {
            // A guard's held binding (see `guard_awaits`) by the user's name.
            let shown: Vec<String> = pinned
                .iter()
                .map(|b| {
                    let name = b.ident.to_string();
                    match crate::guard_awaits::held_binding(&name) {
                        Some(held) => format!("`{held}` (as its guard reads it)"),
                        None => format!("`{name}`"),
                    }
                })
                .collect();
            format!(" Pinned in place meanwhile: {}.", shown.join(", "))
        };
        let doc = format!(" {at}{keeps}{pins}");
        let names = variants[n].iter().map(|f| &f.name);
        let tys = variants[n].iter().map(|f| &f.ty);
        let awaitee =
            holds_awaitee[n].then(|| quote!(__awaitee: ::longhand::__private::Awaitee<#a>,));
        quote! {
            #[doc = #doc]
            #name {
                #awaitee
                #(#names: ::longhand::__private::Kept<#tys>,)*
            }
        }
    });
    let what = if generator { "generator" } else { "async fn" };
    let enum_doc = format!(" The state machine of `{what} {fn_name}`, written out by longhand.");
    let (done_doc, panicked_doc) = if generator {
        (
            " Finished: it yields nothing more.",
            " A poll panicked: resuming again panics.",
        )
    } else {
        (
            " Finished: polling again panics.",
            " A poll panicked: polling again panics.",
        )
    };
    let unresumed_doc = format!(" {unresumed_doc}");
    let enum_def = quote! {
        #[doc = #enum_doc]
        #[allow(non_camel_case_types, clippy::large_enum_variant)]
        enum #state<#(#generics),*> {
            #[doc = #unresumed_doc]
            Unresumed { #(#param_fields: ::longhand::__private::Kept<#param_tys>,)* },
            #(#suspend_variants,)*
            #[doc = #done_doc]
            Returned,
            #[doc = #panicked_doc]
            Panicked,
        }
    };

    // The helpers' own names are hygienic: a user's local named `this` or
    // `taken` becomes a field of the same name, bound in their patterns.
    let this_ptr = hidden("this");
    let pins_ptr = hidden("pins");
    let taken = hidden("taken");
    // Helpers that move the stored values out.
    let take_unresumed = quote! {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(#this_ptr: *mut Self) -> (#(#param_tys,)*) {
            // SAFETY: the caller guarantees the variant. Each field is read
            // exactly once and the state is then overwritten without being
            // dropped, so every argument ends up with exactly one owner.
            unsafe {
                let Self::Unresumed { #(#param_fields,)* } = &mut *#this_ptr else {
                    ::core::unreachable!()
                };
                let #taken = (#(#param_fields.take(),)*);
                ::longhand::__private::ptr::write(#this_ptr, Self::Panicked);
                #taken
            }
        }
    };
    let take_suspend = (0..awaits).map(|n| {
        let fname = take_of(n);
        let (awaitee_binding, awaitee_drop) = if holds_awaitee[n] {
            (
                Some(quote!(__awaitee,)),
                Some(quote!(::longhand::__private::Awaitee::drop_in_place(__awaitee, #this_ptr);)),
            )
        } else {
            (None, None)
        };
        let variant = variant_of(n);
        let names: Vec<_> = variants[n].iter().map(|f| &f.name).collect();
        let tys = variants[n].iter().map(|f| &f.ty);
        let doc = if holds_awaitee[n] {
            quote! {
                /// Drops the completed awaitee in place, then moves the kept values out
                /// and marks the state `Panicked` while the body runs.
                ///
                /// # Safety
                ///
                /// `this` points to the pinned state, whose awaitee has completed.
            }
        } else {
            quote! {
                /// Moves the kept values out and marks the state `Panicked` while the
                /// body runs.
                ///
                /// # Safety
                ///
                /// `this` points to the pinned state, which is this variant.
            }
        };
        quote! {
            #doc
            #[inline(always)]
            unsafe fn #fname(#this_ptr: *mut Self) -> (#(#tys,)*) {
                // SAFETY: the caller guarantees the variant. The awaitee is
                // dropped in place first, while the values it may borrow are
                // still there; each value is then read exactly once and the
                // state overwritten without being dropped (its slot is empty
                // now), so every value ends up with exactly one owner.
                unsafe {
                    let Self::#variant { #awaitee_binding #(#names,)* } = &mut *#this_ptr else {
                        ::core::unreachable!()
                    };
                    #awaitee_drop
                    let #taken = (#(#names.take(),)*);
                    ::longhand::__private::ptr::write(#this_ptr, Self::Panicked);
                    #taken
                }
            }
        }
    });
    let abandon_arms = (0..awaits).map(|n| {
        let variant = variant_of(n);
        let names: Vec<_> = variants[n].iter().map(|f| &f.name).collect();
        quote! {
            Self::#variant { #(#names,)* .. } => {
                #(#names.drop_in_place();)*
            }
        }
    });
    let drop_arms = (0..awaits).map(|n| {
        let variant = variant_of(n);
        let names: Vec<_> = variants[n].iter().map(|f| &f.name).collect();
        // Kept values and pinned locals, latest declared first.
        let mut order: Vec<(usize, TokenStream)> = variants[n]
            .iter()
            .map(|f| {
                let name = &f.name;
                (f.binding.id, quote!(#name.drop_in_place();))
            })
            .collect();
        for b in &plan.liveness.keep[n].pinned {
            if let Some(k) = slots.get(&b.id) {
                order.push((
                    b.id,
                    quote!(<P as ::longhand::__private::PinSlots>::drop_slot(#pins_ptr, #k);),
                ));
            }
        }
        order.sort_by_key(|entry| std::cmp::Reverse(entry.0));
        let drops = order.into_iter().map(|(_, d)| d);
        let (awaitee, awaitee_drop) = holds_awaitee[n]
            .then(|| (quote!(__awaitee,), quote!(__awaitee.drop_unguarded();)))
            .unzip();
        quote! {
            Self::#variant { #awaitee #(#names,)* } => {
                #awaitee_drop
                #(#drops)*
            }
        }
    });
    // The arguments, first to first, wherever each waits.
    let unresumed_drops = plan.params.iter().map(|p| match p.slot {
        Some(k) => quote!(<P as ::longhand::__private::PinSlots>::drop_slot(#pins_ptr, #k);),
        None => {
            let field = &p.field;
            quote!(#field.drop_in_place();)
        }
    });
    let all_slots = 0..plan.liveness.pinned.len();
    let state_names: Vec<Ident> = (0..awaits).map(variant_of).collect();
    let state_strs: Vec<String> = state_names.iter().map(|n| n.to_string()).collect();
    let impls = quote! {
        impl<#(#generics),*> #state<#(#generics),*> {
            #take_unresumed
            #(#take_suspend)*
        }
        // SAFETY: `abandon` drops exactly the kept values of the current
        // suspension (never its awaitee) and then overwrites the state with
        // `Panicked` without dropping it.
        unsafe impl<#(#generics),*> ::longhand::__private::StateMachine for #state<#(#generics),*> {
            fn panicked() -> Self {
                Self::Panicked
            }
            unsafe fn drop_with_pins<P: ::longhand::__private::PinSlots>(#this_ptr: *mut Self, #pins_ptr: *mut P) {
                // SAFETY: the caller guarantees `this` is a live state whose
                // values are not used again, and `pins` the future's slots.
                // The awaitee goes first (it may borrow the others), then the
                // values latest declared first, as rustc drops them.
                let _ = #pins_ptr; // unused when nothing is pinned
                unsafe {
                    match &mut *#this_ptr {
                        Self::Unresumed { #(#param_fields,)* } => {
                            #(#unresumed_drops)*
                        }
                        #(#drop_arms)*
                        Self::Returned | Self::Panicked => {}
                    }
                    // Any slot still live (none, when the state is settled).
                    #(<P as ::longhand::__private::PinSlots>::drop_slot(#pins_ptr, #all_slots);)*
                }
            }
            unsafe fn state_name(#this_ptr: *const Self) -> &'static str {
                // SAFETY: the caller guarantees `this` points to a live state.
                // The place is matched by patterns that bind nothing: only
                // its discriminant is read (see `is_running`).
                unsafe {
                    match *#this_ptr {
                        Self::Unresumed { .. } => "Unresumed",
                        #(Self::#state_names { .. } => #state_strs,)*
                        Self::Returned => "Returned",
                        Self::Panicked => "Panicked",
                    }
                }
            }
            fn is_settled(&self) -> bool {
                ::core::matches!(self, Self::Returned | Self::Panicked)
            }
            unsafe fn is_running(#this_ptr: *const Self) -> bool {
                // SAFETY: the caller guarantees `this` points to a live state.
                // Matching the place reads the discriminant alone: a
                // reference to the whole state would be a read of every
                // byte, which invalidates an awaitee's `&mut` into a kept
                // value.
                unsafe { ::core::matches!(*#this_ptr, Self::Panicked) }
            }
            unsafe fn abandon(#this_ptr: *mut Self) {
                // SAFETY: the caller guarantees `this` is a live suspension
                // whose awaitee slot is empty; each kept value is dropped once.
                unsafe {
                    #[allow(clippy::single_match)]
                    match &mut *#this_ptr {
                        #(#abandon_arms)*
                        _ => {}
                    }
                    ::longhand::__private::ptr::write(#this_ptr, Self::Panicked);
                }
            }
        }
    };

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
        state: &state,
        variants: &variants,
        body_label: body_label.clone(),
        kinds: &kinds,
        names: &names,
        function: &fn_name,
        arm: "Unresumed".into(),
        await_texts: &await_texts,
        sink,
        dead: false,
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
        let mut body = resume_body(&plan.body, n, &plan.liveness.keep[n], &slots);
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
    // Empty, or filled with a pinned parameter.
    let pin_slots = (0..plan.liveness.pinned.len()).map(|k| {
        match plan.params.iter().find(|p| p.slot == Some(k)) {
            Some(p) => {
                let value = &p.value;
                quote!(::longhand::__private::PinSlot::filled(#value))
            }
            None => quote!(::longhand::__private::PinSlot::default()),
        }
    });
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
                clippy::no_effect)]
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

    let attrs = &item.attrs;
    let vis = &item.vis;
    let mut sig = plan.sig.clone();
    sig.asyncness = None;
    let generic_borrowed = crate::borrow_lifetime::generic_by_value(&item.sig)
        .iter()
        .any(|name| plan.liveness.kept_for_awaitees.contains(name));
    let mixes = crate::borrow_lifetime::mixes_lifetimes(&item.sig, &item.vis);
    if !plan.liveness.pinned.is_empty() || generic_borrowed || mixes {
        crate::borrow_lifetime::add(&mut sig, mixes);
    }
    if !generator {
        sig.output =
            parse_quote!(-> impl ::core::future::Future<Output = #ret> + ::longhand::Inspect);
    }
    let values = held.iter().map(|p| &p.value);
    let parts = quote!(
        #state::Unresumed { #(#param_fields: ::longhand::__private::Kept::new(#values),)* },
        ( #(#pin_slots,)* ),
        #closure,
    );
    let machine = match &plan.mode {
        crate::mode::Mode::Future => quote!(::longhand::__private::lowered(#parts)),
        crate::mode::Mode::Iterator(_) => quote!(::longhand::__private::gen_iter(#parts)),
        crate::mode::Mode::Stream(_) => {
            quote!(::longhand::__private::gen_stream(::longhand::__private::lowered(#parts)))
        }
    };
    quote! {
        #(#attrs)*
        // Turning `async fn` into `fn -> impl Future` makes clippy see lifetimes
        // it does not flag on the `async fn` the user wrote.
        // `+ Inspect` refines a trait's `-> impl Future` in trait impls. A
        // borrow lifetime (see `borrow_lifetime`) adds where-clause bounds.
        #[allow(clippy::needless_lifetimes, clippy::multiple_bound_locations, refining_impl_trait)]
        #vis #sig {
            #(#items)*
            #check
            #enum_def
            #impls
            #machine
        }
    }
}

/// What `Unresumed` holds, for its doc comment.
fn unresumed_doc(params: &[Param]) -> String {
    let names = |slot: bool| {
        list(
            params
                .iter()
                .filter(|p| p.slot.is_some() == slot)
                .map(|p| p.field.to_string()),
        )
    };
    let (held, pinned) = (names(false), names(true));
    let mut doc = "Created, not polled yet".to_string();
    if !held.is_empty() {
        doc += &format!(": holds the arguments {held}");
    }
    doc.push('.');
    if !pinned.is_empty() {
        doc += &format!(" Pinned in place already: {pinned}.");
    }
    doc
}

/// Does the type have `_` in it?
fn has_holes(ty: &syn::Type) -> bool {
    struct Find(bool);
    impl<'a> syn::visit::Visit<'a> for Find {
        fn visit_type_infer(&mut self, _: &'a syn::TypeInfer) {
            self.0 = true;
        }
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

fn list(items: impl Iterator<Item = String>) -> String {
    items
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The last rewrite of each arm's code: `.await` becomes a suspension,
/// `return` and `?` leave the body block, and the tags are removed.
struct Finalize<'a> {
    state: &'a Ident,
    variants: &'a [Vec<Field>],
    body_label: syn::Lifetime,
    /// What each suspension point is, and its state's name.
    kinds: &'a [crate::joins::Kind],
    names: &'a [String],
    /// The function's name and the state whose arm is being written, for
    /// transition tracing.
    function: &'a str,
    arm: String,
    await_texts: &'a [String],
    /// Is the code being visited unreachable in this arm (it follows a
    /// suspension within its statement)?
    dead: bool,
    /// Do yields offer their item to the poll's sink first (sync generators)?
    sink: bool,
    /// When the sink takes the item, does this arm's code run on past the
    /// yield (the `Unresumed` arm, which then holds the whole body), or go
    /// on from the yield's own arm (the others, which stop at their next
    /// suspension)?
    runs_on: bool,
}

impl Finalize<'_> {
    /// Does code in this arm stop at suspension point `a`? Every arm does,
    /// except one that runs on past its yields; even that one stops at a
    /// join point.
    fn stops_at(&self, a: &syn::ExprAwait) -> bool {
        await_id(a).is_some_and(|n| !self.runs_on || self.kinds.get(n) == Some(&Kind::Join))
    }

    /// Is `x` a block that this arm cuts short after a statement that stops
    /// here, so that its type is `!` (or an expression that is written as
    /// such a block here)? (An `.await` itself keeps its type, see
    /// `output_of`.)
    fn cut_short(&self, x: &Expr) -> bool {
        match x {
            Expr::Paren(p) => self.cut_short(&p.expr),
            // A `match` whose arms all are (a hoisted operand's, see
            // `normalize`), or whose scrutinee is.
            Expr::Match(m) => {
                self.cut_short(&m.expr)
                    || (!m.arms.is_empty() && m.arms.iter().all(|a| self.cut_short(&a.body)))
            }
            Expr::If(i) => self.cut_short(first_condition(&i.cond)),
            // An operation one of whose operands is: it is written as that
            // operand (see `cut_operand`).
            Expr::Binary(_)
            | Expr::Index(_)
            | Expr::Unary(_)
            | Expr::Cast(_)
            | Expr::Field(_)
            | Expr::MethodCall(_)
            | Expr::Try(_) => self.cut_operand(x).is_some(),
            // (A labeled block that a `break` can leave first is not.)
            Expr::Block(blk) => {
                crate::awaits::diverges_at(x, &|a| self.stops_at(a))
                    && blk.block.stmts.iter().any(|s| {
                        !matches!(s, syn::Stmt::Expr(_, None))
                            && crate::awaits::stmt_diverges_at(s, &|a| self.stops_at(a))
                            && !crate::awaits::stmt_diverges_at(s, &|_| false)
                    })
            }
            _ => false,
        }
    }

    /// The operand of operation `e` that is cut short here (see
    /// [`Self::cut_short`]), with what is evaluated before it.
    fn cut_operand<'e>(&self, e: &'e Expr) -> Option<CutOperand<'e>> {
        let stops = |x: &Expr| self.cut_short(x);
        let alone = |x| {
            Some(CutOperand {
                before: None,
                cut: x,
            })
        };
        match e {
            Expr::Binary(b) if stops(&b.left) => alone(&*b.left),
            // A compound assignment evaluates a primitive's value first
            // (longhand's order, see `normalize`); `&&` and `||` take `!`.
            Expr::Binary(b) if crate::normalize::is_assign_op(&b.op) && stops(&b.right) => {
                alone(&*b.right)
            }
            Expr::Binary(b)
                if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) && stops(&b.right) =>
            {
                Some(CutOperand {
                    before: Some((&*b.left, false)),
                    cut: &b.right,
                })
            }
            Expr::Index(i) if stops(&i.expr) => alone(&*i.expr),
            Expr::Index(i) if stops(&i.index) => Some(CutOperand {
                before: Some((&*i.expr, true)),
                cut: &i.index,
            }),
            Expr::Unary(u) if stops(&u.expr) => alone(&*u.expr),
            Expr::Cast(c) if stops(&c.expr) => alone(&*c.expr),
            Expr::Field(f) if stops(&f.base) => alone(&*f.base),
            Expr::MethodCall(m) if stops(&m.receiver) => alone(&*m.receiver),
            Expr::Try(t) if stops(&t.expr) => alone(&*t.expr),
            _ => None,
        }
    }

    /// Writes the state of suspension point `n`, which holds no awaitee:
    /// the values kept alive there move into it.
    fn write_kept(&self, n: usize) -> TokenStream {
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

    /// `let pat = init;` whose `init` reaches a join point: nothing after it
    /// runs in this arm, and where `init` is a `loop` or block that only
    /// jumps, rustc could not type `pat` (a tuple, say) from it. The
    /// bindings are made in the join's arm; here the pattern becomes `_`.
    fn unbind_before_join(&self, s: &mut syn::Stmt) {
        let is_join = |a: &syn::ExprAwait| {
            await_id(a).is_some_and(|n| self.kinds.get(n) == Some(&Kind::Join))
        };
        if let syn::Stmt::Local(l) = s
            && let Some(init) = &mut l.init
            && crate::awaits::contains_await_where(&init.expr, &is_join)
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
    fn join_point(&self, n: usize) -> Expr {
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
    fn transition_to(&self, n: usize) -> TokenStream {
        let function = self.function;
        let from = &self.arm;
        let to = &self.names[n];
        let text = self.await_texts.get(n).cloned().unwrap_or_default();
        quote!(::longhand::__private::trace::transition(#function, #from, #to, #text);)
    }

    /// `yield_!(v)`: evaluate `v`, keep the values alive there, return
    /// `Ready(Some(v))`; resuming continues in this point's arm.
    fn yield_point(&self, n: usize, value: Expr) -> Expr {
        let yielded = hidden("__lh_yielded");
        let write_state = self.write_kept(n);
        let transition = self.transition_to(n);
        let yield_item = quote! {
            #transition
            return ::longhand::__private::Poll::Ready(::core::option::Option::Some(#yielded));
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
    fn typed_only(&self, n: usize, operand: Expr) -> Expr {
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

    fn suspend(&self, n: usize, operand: Expr) -> Expr {
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

/// The `let x = value;` statements of a block (a plain name, with a value):
/// their positions, binding ids and names.
fn declared_locals(b: &Block) -> Vec<(usize, usize, Ident)> {
    b.stmts
        .iter()
        .enumerate()
        .filter_map(|(k, s)| match s {
            syn::Stmt::Local(l) if l.init.is_some() => match &l.pat {
                syn::Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
                    crate::bindings::tag_of(p).map(|id| (k, id, p.ident.clone()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Is `e` an empty value whose making and dropping do nothing: `None`, a
/// literal, `vec![]`, or a standard collection's `new()`?
fn empty_value(e: &Expr) -> bool {
    const COLLECTIONS: &[&str] = &[
        "Vec",
        "String",
        "VecDeque",
        "HashMap",
        "HashSet",
        "BTreeMap",
        "BTreeSet",
        "BinaryHeap",
    ];
    match e {
        Expr::Lit(_) => true,
        Expr::Path(p) => p.qself.is_none() && p.path.is_ident("None"),
        Expr::Macro(m) => m.mac.path.is_ident("vec") && m.mac.tokens.is_empty(),
        Expr::Call(c) if c.args.is_empty() => match &*c.func {
            Expr::Path(p) => {
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                segs.len() == 2 && segs[1] == "new" && COLLECTIONS.contains(&segs[0].as_str())
            }
            _ => false,
        },
        _ => false,
    }
}

/// Drops each `let x;` (no value, no type) that nothing after it in this
/// arm's copy of the block names: the local is assigned only in code that
/// runs in a later state's arm (`let body; loop { .. .await; body = ..; }`),
/// so here rustc could not infer its type. Unassigned, it holds nothing to
/// drop. (A name that merely looks the same keeps the declaration.)
fn drop_unused_declarations(b: &mut Block) {
    let mut k = 0;
    while k < b.stmts.len() {
        let unused = match &b.stmts[k] {
            syn::Stmt::Local(l) if l.init.is_none() => match &l.pat {
                syn::Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
                    let rest = &b.stmts[k + 1..];
                    !crate::macro_args::token_names(&quote!(#(#rest)*)).contains(&p.ident)
                }
                _ => false,
            },
            _ => false,
        };
        if unused {
            b.stmts.remove(k);
        } else {
            k += 1;
        }
    }
}

impl Finalize<'_> {
    /// After each `let x = value;` that nothing after it in this arm's copy
    /// of the block names, says that `x` has the type of its field in a
    /// state that keeps it (`let mut best = None;` whose `Some(..)` is
    /// assigned only in code another arm runs, a loop's next iteration after
    /// a join point). Here rustc could not infer it otherwise; it is the
    /// same local, so it is the same type. `declared` comes from
    /// [`declared_locals`], before the block's copy was cut short.
    fn type_dead_declarations(&self, b: &mut Block, declared: Vec<(usize, usize, Ident)>) {
        for (k, id, name) in declared.into_iter().rev() {
            let rest = &b.stmts[k + 1..];
            if crate::macro_args::token_names(&quote!(#(#rest)*)).contains(&name) {
                continue;
            }
            if let Some(hint) = self.typed_from_state(id, &name) {
                b.stmts.insert(k + 1, hint);
            } else if let syn::Stmt::Local(l) = &b.stmts[k]
                && l.init
                    .as_ref()
                    .is_some_and(|i| i.diverge.is_none() && empty_value(&i.expr))
            {
                // No state keeps it either: an empty value that nothing
                // here reads does nothing, not even when dropped.
                b.stmts.remove(k);
            }
        }
    }

    /// Cuts `b` after its first statement that always suspends or leaves,
    /// unless it is the last one or `b` was cut there already (`cut`);
    /// returns that statement's index when it cut.
    fn cut_after_divergence(&self, b: &mut Block, cut: Option<usize>) -> Option<usize> {
        let k = b
            .stmts
            .iter()
            .position(|s| crate::awaits::stmt_diverges_at(s, &|a| self.stops_at(a)))?;
        if k + 1 == b.stmts.len() || cut == Some(k) {
            return None;
        }
        b.stmts.truncate(k + 1);
        // The kept statement must stay a statement, not become the
        // block's value, and rustc must see the block diverge (it
        // does not know that a `while` whose condition suspends never
        // ends): a tail that is never reached says so.
        if let Some(syn::Stmt::Expr(_, semi @ None)) = b.stmts.last_mut() {
            *semi = Some(Default::default());
        }
        b.stmts.push(syn::Stmt::Expr(
            parse_quote!(::core::unreachable!(
                "longhand: this point follows a suspension"
            )),
            None,
        ));
        Some(k)
    }

    /// A statement that never runs and gives local `name` (binding `id`)
    /// the type of its field in the first state that keeps it, if any.
    fn typed_from_state(&self, id: usize, name: &Ident) -> Option<syn::Stmt> {
        let (n, field) = self.variants.iter().enumerate().find_map(|(n, fields)| {
            fields
                .iter()
                .find(|f| f.binding.id == id)
                .map(|f| (n, &f.name))
        })?;
        let state = self.state;
        let this = hidden("__lh_this");
        let variant = format_ident!("{}", self.names[n]);
        let typed = hidden("__lh_typed");
        Some(parse_quote! {
            if false {
                // SAFETY: never runs; only typed.
                let #state::#variant { #field: #typed, .. } = (unsafe { &mut *#this }) else {
                    ::core::unreachable!()
                };
                ::longhand::__private::Kept::type_as(#typed, &#name);
            }
        })
    }
}

impl VisitMut for Finalize<'_> {
    fn visit_block_mut(&mut self, b: &mut Block) {
        // Code after a statement that always suspends (or leaves) is
        // unreachable in this arm; it runs in the next state's arm instead.
        // Dropping it keeps each arm to its own stretch of the function, and
        // keeps rustc from typing it with the suspension's `!`. An arm that
        // runs on past its yields keeps all of it.
        // It still stops at a join point, whose code is written in its arm.
        let cut = self.cut_after_divergence(b, None);
        if let Some(k) = cut {
            self.unbind_before_join(&mut b.stmts[k]);
        }
        // A `let` whose value is cut short here binds nothing here, and its
        // pattern could not be typed from `!` (`let Some(q) = { let z =
        // x.await; z } else { .. };`): only its value is written.
        for s in &mut b.stmts {
            if let syn::Stmt::Local(l) = s
                && let Some(init) = &l.init
                && self.cut_short(&init.expr)
            {
                *s = syn::Stmt::Expr((*init.expr).clone(), Some(Default::default()));
            }
        }
        let mut declared = declared_locals(b);
        visit_mut::visit_block_mut(self, b);
        // Cutting an inner block short can make a statement here diverge
        // that did not before: a loop resumed at its `break 'outer
        // x.await`, whose value `break` was in the part cut away, is `!`
        // now (`let inner = '__lh_loop1: { .. };`), and code after it would
        // be typed from that (`inner % 2`, E0277).
        if let Some(k) = self.cut_after_divergence(b, cut) {
            declared.retain(|(at, ..)| *at <= k);
        }
        self.type_dead_declarations(b, declared);
        drop_unused_declarations(b);
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // An operand that stops here (`{ x.await; 1 } + y`, `v[{ let i =
        // x.await; i }]`, `-{ .. }`): in this arm's copy the block is cut
        // short and has type `!`, which no operator, index, field or method
        // takes (E0277). The operation never happens here, so only the
        // operands up to the one that stops are written. (In a dead stretch
        // too: there the block was cut at its first `.await`, only typed.)
        if let Some(short) = self.cut_operand(e).map(CutOperand::written) {
            *e = short;
            return self.visit_expr_mut(e);
        }
        // The same for a scrutinee (normalisation makes one of such a block
        // when an operand before it must be evaluated first): its arms, which
        // bind values of type `!` here, never run in this arm.
        // And for an `if` whose condition (a `let`'s scrutinee first) stops
        // here: `if let Some(w) = { x.await; v.first() } { w.len() }` would
        // bind `w` from `!`, which leaves its type unknown (E0282). A
        // `while` too (its first test is where this copy stops), and a `for`
        // whose iterable stops here.
        let first = match &*e {
            Expr::Match(m) => Some(&*m.expr),
            Expr::If(i) => Some(first_condition(&i.cond)),
            Expr::While(w) => Some(first_condition(&w.cond)),
            Expr::ForLoop(f) => Some(&*f.expr),
            _ => None,
        };
        if let Some(first) = first
            && self.cut_short(first)
        {
            let mut first = first.clone();
            self.visit_expr_mut(&mut first);
            *e = first;
            return;
        }
        // The same within a statement: the arms of a `match` whose
        // scrutinee suspends (an operand hoisted before a later `.await`,
        // see `normalize`) run in the next state's arm. rustc still types
        // them, so they stay, but an `.await` among them is only typed, from
        // its state's awaitee: built here, its future (and a closure or
        // `async` block in it) would be a second copy of the one built
        // there, of another type.
        if let Expr::Match(m) = e
            && !self.dead
            && crate::awaits::diverges_at(&m.expr, &|a| self.stops_at(a))
        {
            self.visit_expr_mut(&mut m.expr);
            self.dead = true;
            for arm in &mut m.arms {
                self.visit_arm_mut(arm);
            }
            self.dead = false;
            return;
        }
        visit_mut::visit_expr_mut(self, e);
        match e {
            Expr::Await(a) => {
                if let Some(n) = await_id(a) {
                    *e = match (self.kinds.get(n), crate::yields::yielded(&a.base)) {
                        (Some(Kind::Await), _) if self.dead => {
                            self.typed_only(n, (*a.base).clone())
                        }
                        (Some(Kind::Yield), _) if self.dead => parse_quote!(()),
                        (Some(Kind::Yield), Some(value)) => self.yield_point(n, value.clone()),
                        (Some(Kind::Join), _) => self.join_point(n),
                        _ => self.suspend(n, (*a.base).clone()),
                    };
                }
            }
            Expr::Return(r) => {
                let value = r
                    .expr
                    .as_deref()
                    .cloned()
                    .unwrap_or_else(|| parse_quote!(()));
                *e = crate::exits::return_to(&self.body_label, value);
            }
            Expr::Try(t) => *e = crate::exits::try_to(&self.body_label, (*t.expr).clone()),
            _ => {}
        }
    }
    fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
        StripTags.visit_pat_ident_mut(p);
    }
    fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
        StripTags.visit_expr_path_mut(p);
    }
    fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
        StripTags.visit_expr_closure_mut(c);
    }
    fn visit_expr_async_mut(&mut self, a: &mut syn::ExprAsync) {
        StripTags.visit_expr_async_mut(a);
    }
    // A macro's expression arguments are the body's code too: tags come
    // off, and a `?` or `return` in them leaves the body like any other.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        crate::macro_args::edit(mac, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
    // The tags of a macro's uses stay until the awaitee's operand has been
    // rewritten (`suspend`); `StripUses` removes them after.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Rewrites uses of kept values inside an awaitee's operand into their
/// places in the pinned variant: `read(&mut buf)` -> `read(&mut (*place))`.
struct PlaceRewrite<'a> {
    places: &'a HashMap<String, (Ident, Ident)>,
    used: Vec<(Ident, Ident)>,
    shadowed: Vec<String>,
}

impl VisitMut for PlaceRewrite<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Path(p) = e
            && p.qself.is_none()
            && p.path.segments.len() == 1
        {
            let name = p.path.segments[0].ident.to_string();
            if !self.shadowed.contains(&name)
                && let Some((place, field)) = self.places.get(&name)
            {
                if !self.used.iter().any(|(p, _)| p == place) {
                    self.used.push((place.clone(), field.clone()));
                }
                // With the user's span: an error about the place (a method
                // taking `self` by value) points at the user's local.
                let at = place.span().located_at(p.path.span());
                let place = crate::names::ident(&place.to_string(), at);
                *e = syn::parse_quote_spanned!(at=> (*#place));
                return;
            }
        }
        if let Expr::Closure(c) = e {
            let before = self.shadowed.len();
            for p in &c.inputs {
                self.shadowed.extend(crate::bindings::pattern_names(p));
            }
            self.visit_expr_mut(&mut c.body);
            self.shadowed.truncate(before);
            return;
        }
        visit_mut::visit_expr_mut(self, e);
        crate::macro_aliases::give_back(e, |name, _| {
            let key = name.to_string();
            if self.shadowed.contains(&key) || !self.places.contains_key(&key) {
                return None;
            }
            let mut value: Expr = parse_quote!(#name);
            self.visit_expr_mut(&mut value);
            Some(value)
        });
    }

    // A `let` inside the operand (in a block or a closure's body) shadows
    // a kept value of the same name until the end of its block:
    // `call(|| { let name = name.clone(); async move { name.len() } })`.
    fn visit_block_mut(&mut self, b: &mut Block) {
        let before = self.shadowed.len();
        for s in &mut b.stmts {
            self.visit_stmt_mut(s);
            if let syn::Stmt::Local(l) = s {
                self.shadowed.extend(crate::bindings::pattern_names(&l.pat));
            }
        }
        self.shadowed.truncate(before);
    }

    // Both `Expr::Macro` and statement macros come here. (A format
    // string's captures are named arguments by now, see `normalize`.)
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        crate::macro_args::edit(mac, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
}

/// An operand an operation stops at in an arm (see `Finalize::cut_operand`).
struct CutOperand<'e> {
    /// The operand evaluated before it, if any, and whether it is a place
    /// only borrowed (an index's base).
    before: Option<(&'e Expr, bool)>,
    /// The operand that is cut short.
    cut: &'e Expr,
}

impl CutOperand<'_> {
    /// The operation as written in that arm: the operand before, if any, as
    /// `let __lh_operand = ..;` (`&(..)` when only borrowed), then the cut
    /// one. Spliced in (see `splice`) rather than parsed from tokens: the
    /// operands still carry the lowering's tags (on the patterns of their
    /// `let`s), which do not read back.
    fn written(self) -> Expr {
        let Some((first, borrowed)) = self.before else {
            return self.cut.clone();
        };
        let operand = hidden("__lh_operand");
        let value = if borrowed {
            quote!(&(__lh_hole0))
        } else {
            quote!(__lh_hole0)
        };
        crate::splice::expr(
            quote!({ let #operand = #value; __lh_hole1 }),
            vec![first.clone(), self.cut.clone()],
        )
    }
}

/// What an `if` evaluates first: the leftmost operand of its `&&` chain, or
/// that operand's scrutinee when it is a `let`.
fn first_condition(cond: &Expr) -> &Expr {
    match cond {
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => first_condition(&b.left),
        Expr::Let(l) => &l.expr,
        other => other,
    }
}
