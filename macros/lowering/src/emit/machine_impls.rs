//! The state enum's methods: `take_*`, which move a state's values out
//! (and mark it `Panicked` while the body runs), and the `StateMachine`
//! impl the runtime drives: dropping a state in any variant, its name for
//! tracing, abandoning a suspension on unwind.

use super::*;

/// `impl FState { take_unresumed, take_suspend0, .. }` and
/// `unsafe impl StateMachine for FState`.
pub(super) fn impls(plan: &Plan<'_>, layout: &Layout<'_>) -> TokenStream {
    let Layout {
        state,
        slots,
        holds_awaitee,
        generics,
        param_tys,
        param_fields,
        variants,
        ..
    } = layout;
    let awaits = layout.awaits;
    let variant_of = |n: usize| layout.variant_of(n);
    let take_of = |n: usize| layout.take_of(n);
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
            fn returned() -> Self {
                Self::Returned
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
    impls
}
