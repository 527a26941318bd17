#[allow(
    clippy::needless_lifetimes,
    clippy::multiple_bound_locations,
    refining_impl_trait
)]
fn up_down(list: Vec<i32>) -> impl Iterator<Item = i32> {
    #[allow(unused, clippy::all)]
    let _ = ::longhand::__private::native_check(
        ::longhand::__private::phantom_cons(
            ::longhand::__private::phantom_of(&list),
            ::core::marker::PhantomData::<()>,
        ),
        async move |mut __lh_args| -> () {
            let (list, ()) = __lh_args;
            let __lh_native: () = {
                let mut sum = 0;
                for x in list.iter() {
                    sum += x;
                    {
                        ::longhand::__private::yielded::<i32>(sum);
                        ::core::future::ready(()).await
                    };
                }
                for x in list.iter().rev() {
                    sum -= x;
                    {
                        ::longhand::__private::yielded::<i32>(sum);
                        ::core::future::ready(()).await
                    };
                }
            };
            __lh_native
        },
    );
    /// The state machine of `generator up_down`, written out by longhand.
    #[allow(non_camel_case_types, clippy::large_enum_variant)]
    enum UpDownState<L0, L1, L2, L3> {
        /// Created, not polled yet. Pinned in place already: `list`.
        Unresumed {},
        /// Suspended at `yield_!(sum)` (line 6); keeps `sum`, `iter0` alive. Pinned in place meanwhile: `list`.
        Suspend0 {
            iter0: ::longhand::__private::Kept<L0>,
            sum: ::longhand::__private::Kept<L1>,
        },
        /// Suspended at `yield_!(sum)` (line 10); keeps `sum`, `iter1` alive. Pinned in place meanwhile: `list`.
        Suspend1 {
            iter1: ::longhand::__private::Kept<L2>,
            sum: ::longhand::__private::Kept<L3>,
        },
        /// Finished: it yields nothing more.
        Returned,
        /// A poll panicked: resuming again panics.
        Panicked,
    }
    impl<L0, L1, L2, L3> UpDownState<L0, L1, L2, L3> {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(this: *mut Self) -> () {
            unsafe {
                let Self::Unresumed {} = &mut *this else { ::core::unreachable!() };
                let taken = ();
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
        /// Moves the kept values out and marks the state `Panicked` while the
        /// body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is this variant.
        #[inline(always)]
        unsafe fn take_suspend0(this: *mut Self) -> (L0, L1) {
            unsafe {
                let Self::Suspend0 { iter0, sum } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (iter0.take(), sum.take());
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
        /// Moves the kept values out and marks the state `Panicked` while the
        /// body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is this variant.
        #[inline(always)]
        unsafe fn take_suspend1(this: *mut Self) -> (L2, L3) {
            unsafe {
                let Self::Suspend1 { iter1, sum } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (iter1.take(), sum.take());
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
    }
    unsafe impl<L0, L1, L2, L3> ::longhand::__private::StateMachine
    for UpDownState<L0, L1, L2, L3> {
        fn panicked() -> Self {
            Self::Panicked
        }
        fn returned() -> Self {
            Self::Returned
        }
        unsafe fn drop_with_pins<P: ::longhand::__private::PinSlots>(
            this: *mut Self,
            pins: *mut P,
        ) {
            let _ = pins;
            unsafe {
                match &mut *this {
                    Self::Unresumed {} => {
                        <P as ::longhand::__private::PinSlots>::drop_slot(pins, 0usize);
                    }
                    Self::Suspend0 { iter0, sum } => {
                        iter0.drop_in_place();
                        sum.drop_in_place();
                        <P as ::longhand::__private::PinSlots>::drop_slot(pins, 0usize);
                    }
                    Self::Suspend1 { iter1, sum } => {
                        iter1.drop_in_place();
                        sum.drop_in_place();
                        <P as ::longhand::__private::PinSlots>::drop_slot(pins, 0usize);
                    }
                    Self::Returned | Self::Panicked => {}
                }
                <P as ::longhand::__private::PinSlots>::drop_slot(pins, 0usize);
            }
        }
        unsafe fn state_name(this: *const Self) -> &'static str {
            unsafe {
                match *this {
                    Self::Unresumed { .. } => "Unresumed",
                    Self::Suspend0 { .. } => "Suspend0",
                    Self::Suspend1 { .. } => "Suspend1",
                    Self::Returned => "Returned",
                    Self::Panicked => "Panicked",
                }
            }
        }
        fn is_settled(&self) -> bool {
            ::core::matches!(self, Self::Returned | Self::Panicked)
        }
        unsafe fn is_running(this: *const Self) -> bool {
            unsafe { ::core::matches!(* this, Self::Panicked) }
        }
        unsafe fn abandon(this: *mut Self) {
            unsafe {
                #[allow(clippy::single_match)]
                match &mut *this {
                    Self::Suspend0 { iter0, sum, .. } => {
                        iter0.drop_in_place();
                        sum.drop_in_place();
                    }
                    Self::Suspend1 { iter1, sum, .. } => {
                        iter1.drop_in_place();
                        sum.drop_in_place();
                    }
                    _ => {}
                }
                ::longhand::__private::ptr::write(this, Self::Panicked);
            }
        }
    }
    ::longhand::__private::gen_iter(
        UpDownState::Unresumed {},
        (::longhand::__private::PinSlot::filled(list),),
        #[allow(
            unused_variables,
            unused_mut,
            unused_labels,
            unreachable_code,
            unused_braces,
            unused_parens,
            non_shorthand_field_patterns,
            clippy::let_unit_value,
            clippy::needless_return,
            clippy::never_loop,
            clippy::diverging_sub_expression,
            clippy::redundant_field_names,
            clippy::while_immutable_condition,
            clippy::needless_late_init,
            unfulfilled_lint_expectations,
            unused_macros,
            clippy::no_effect,
            clippy::unused_unit
        )]
        #[inline(always)]
        |
            __lh_state,
            __lh_pins,
            __lh_cx,
            mut __lh_sink,
        | -> ::longhand::__private::Poll<::core::option::Option<i32>> {
            let __lh_this: *mut _ = unsafe {
                ::longhand::__private::Pin::get_unchecked_mut(__lh_state)
            };
            let __lh_slot0 = unsafe { &raw mut (*__lh_pins).0 };
            '__lh_dispatch: loop {
                match unsafe { &mut *__lh_this } {
                    UpDownState::Unresumed { .. } => {
                        ::core::hint::cold_path();
                        let () = unsafe { UpDownState::take_unresumed(__lh_this) };
                        let __lh_ret: () = '__lh_body: {
                            let __lh_pin0 = unsafe {
                                ::longhand::__private::PinSlot::get(__lh_slot0)
                            };
                            let __lh_pinguard0 = unsafe {
                                ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                            };
                            let mut sum = 0;
                            match ::core::iter::IntoIterator::into_iter(
                                (*unsafe {
                                    ::longhand::__private::PinSlot::get(__lh_slot0)
                                })
                                    .value
                                    .iter(),
                            ) {
                                mut __iter0 => {
                                    loop {
                                        match ::core::iter::Iterator::next(&mut __iter0) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some(x) => {
                                                sum += x;
                                                {
                                                    if let ::core::option::Option::Some(__lh_yielded) = ::longhand::__private::offer(
                                                        &mut __lh_sink,
                                                        sum,
                                                    ) {
                                                        unsafe {
                                                            ::longhand::__private::ptr::write(
                                                                __lh_this,
                                                                UpDownState::Suspend0 {
                                                                    iter0: ::longhand::__private::Kept::new(__iter0),
                                                                    sum: ::longhand::__private::Kept::new(sum),
                                                                },
                                                            )
                                                        };
                                                        ::longhand::__private::trace::transition(
                                                            "up_down",
                                                            "Unresumed",
                                                            "Suspend0",
                                                            "yield_!(sum)",
                                                        );
                                                        return ::longhand::__private::Poll::Ready(
                                                            ::core::option::Option::Some(__lh_yielded),
                                                        );
                                                    }
                                                };
                                            }
                                        }
                                    }
                                }
                            }
                            match ::core::iter::IntoIterator::into_iter(
                                (*unsafe {
                                    ::longhand::__private::PinSlot::get(__lh_slot0)
                                })
                                    .value
                                    .iter()
                                    .rev(),
                            ) {
                                mut __iter1 => {
                                    loop {
                                        match ::core::iter::Iterator::next(&mut __iter1) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some(x) => {
                                                sum -= x;
                                                {
                                                    if let ::core::option::Option::Some(__lh_yielded) = ::longhand::__private::offer(
                                                        &mut __lh_sink,
                                                        sum,
                                                    ) {
                                                        unsafe {
                                                            ::longhand::__private::ptr::write(
                                                                __lh_this,
                                                                UpDownState::Suspend1 {
                                                                    iter1: ::longhand::__private::Kept::new(__iter1),
                                                                    sum: ::longhand::__private::Kept::new(sum),
                                                                },
                                                            )
                                                        };
                                                        ::longhand::__private::trace::transition(
                                                            "up_down",
                                                            "Unresumed",
                                                            "Suspend1",
                                                            "yield_!(sum)",
                                                        );
                                                        return ::longhand::__private::Poll::Ready(
                                                            ::core::option::Option::Some(__lh_yielded),
                                                        );
                                                    }
                                                };
                                            }
                                        }
                                    }
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                UpDownState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "up_down",
                            "Unresumed",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready({
                            let () = __lh_ret;
                            ::core::option::Option::None
                        });
                    }
                    UpDownState::Suspend0 { .. } => {
                        let __lh_resumed = ();
                        let (__lh_restored4, __lh_restored2) = unsafe {
                            UpDownState::take_suspend0(__lh_this)
                        };
                        let __lh_ret: () = '__lh_body: {
                            let __lh_pin0 = unsafe {
                                ::longhand::__private::PinSlot::get(__lh_slot0)
                            };
                            let __lh_pinguard0 = unsafe {
                                ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                            };
                            let mut sum = __lh_restored2;
                            {
                                let mut __iter0 = __lh_restored4;
                                '__lh_loop1: {
                                    '__lh_iteration1: {
                                        {
                                            {
                                                {
                                                    { __lh_resumed };
                                                }
                                            }
                                        };
                                    }
                                    loop {
                                        match ::core::iter::Iterator::next(&mut __iter0) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some(x) => {
                                                sum += x;
                                                {
                                                    let __lh_offered = ::longhand::__private::offer(
                                                        &mut __lh_sink,
                                                        sum,
                                                    );
                                                    unsafe {
                                                        ::longhand::__private::ptr::write(
                                                            __lh_this,
                                                            UpDownState::Suspend0 {
                                                                iter0: ::longhand::__private::Kept::new(__iter0),
                                                                sum: ::longhand::__private::Kept::new(sum),
                                                            },
                                                        )
                                                    };
                                                    match __lh_offered {
                                                        ::core::option::Option::Some(__lh_yielded) => {
                                                            ::longhand::__private::trace::transition(
                                                                "up_down",
                                                                "Suspend0",
                                                                "Suspend0",
                                                                "yield_!(sum)",
                                                            );
                                                            return ::longhand::__private::Poll::Ready(
                                                                ::core::option::Option::Some(__lh_yielded),
                                                            );
                                                        }
                                                        ::core::option::Option::None => continue '__lh_dispatch,
                                                    }
                                                };
                                            }
                                        }
                                    }
                                }
                            }
                            match ::core::iter::IntoIterator::into_iter(
                                (*unsafe {
                                    ::longhand::__private::PinSlot::get(__lh_slot0)
                                })
                                    .value
                                    .iter()
                                    .rev(),
                            ) {
                                mut __iter1 => {
                                    loop {
                                        match ::core::iter::Iterator::next(&mut __iter1) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some(x) => {
                                                sum -= x;
                                                {
                                                    let __lh_offered = ::longhand::__private::offer(
                                                        &mut __lh_sink,
                                                        sum,
                                                    );
                                                    unsafe {
                                                        ::longhand::__private::ptr::write(
                                                            __lh_this,
                                                            UpDownState::Suspend1 {
                                                                iter1: ::longhand::__private::Kept::new(__iter1),
                                                                sum: ::longhand::__private::Kept::new(sum),
                                                            },
                                                        )
                                                    };
                                                    match __lh_offered {
                                                        ::core::option::Option::Some(__lh_yielded) => {
                                                            ::longhand::__private::trace::transition(
                                                                "up_down",
                                                                "Suspend0",
                                                                "Suspend1",
                                                                "yield_!(sum)",
                                                            );
                                                            return ::longhand::__private::Poll::Ready(
                                                                ::core::option::Option::Some(__lh_yielded),
                                                            );
                                                        }
                                                        ::core::option::Option::None => continue '__lh_dispatch,
                                                    }
                                                };
                                            }
                                        }
                                    }
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                UpDownState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "up_down",
                            "Suspend0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready({
                            let () = __lh_ret;
                            ::core::option::Option::None
                        });
                    }
                    UpDownState::Suspend1 { .. } => {
                        let __lh_resumed = ();
                        let (__lh_restored12, __lh_restored2) = unsafe {
                            UpDownState::take_suspend1(__lh_this)
                        };
                        let __lh_ret: () = '__lh_body: {
                            let __lh_pin0 = unsafe {
                                ::longhand::__private::PinSlot::get(__lh_slot0)
                            };
                            let __lh_pinguard0 = unsafe {
                                ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                            };
                            let mut sum = __lh_restored2;
                            {
                                let mut __iter1 = __lh_restored12;
                                '__lh_loop1: {
                                    '__lh_iteration1: {
                                        {
                                            {
                                                {
                                                    { __lh_resumed };
                                                }
                                            }
                                        };
                                    }
                                    loop {
                                        match ::core::iter::Iterator::next(&mut __iter1) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some(x) => {
                                                sum -= x;
                                                {
                                                    let __lh_offered = ::longhand::__private::offer(
                                                        &mut __lh_sink,
                                                        sum,
                                                    );
                                                    unsafe {
                                                        ::longhand::__private::ptr::write(
                                                            __lh_this,
                                                            UpDownState::Suspend1 {
                                                                iter1: ::longhand::__private::Kept::new(__iter1),
                                                                sum: ::longhand::__private::Kept::new(sum),
                                                            },
                                                        )
                                                    };
                                                    match __lh_offered {
                                                        ::core::option::Option::Some(__lh_yielded) => {
                                                            ::longhand::__private::trace::transition(
                                                                "up_down",
                                                                "Suspend1",
                                                                "Suspend1",
                                                                "yield_!(sum)",
                                                            );
                                                            return ::longhand::__private::Poll::Ready(
                                                                ::core::option::Option::Some(__lh_yielded),
                                                            );
                                                        }
                                                        ::core::option::Option::None => continue '__lh_dispatch,
                                                    }
                                                };
                                            }
                                        }
                                    }
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                UpDownState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "up_down",
                            "Suspend1",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready({
                            let () = __lh_ret;
                            ::core::option::Option::None
                        });
                    }
                    UpDownState::Returned => {
                        return ::longhand::__private::Poll::Ready(
                            ::core::option::Option::None,
                        );
                    }
                    UpDownState::Panicked => {
                        ::core::panic!(
                            "`gen fn` should just keep returning `None` after panicking"
                        )
                    }
                }
            }
        },
    )
}
