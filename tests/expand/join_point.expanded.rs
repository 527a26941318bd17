#[allow(
    clippy::needless_lifetimes,
    clippy::multiple_bound_locations,
    refining_impl_trait
)]
fn sum_slowly(
    items: Vec<u32>,
) -> impl ::core::future::Future<Output = u32> + ::longhand::Inspect {
    /// The state machine of `async fn sum_slowly`, written out by longhand.
    #[allow(non_camel_case_types, clippy::large_enum_variant)]
    enum SumSlowlyState<P0, L0, L1, A1, L2, L3> {
        /// Created, not polled yet: holds the arguments `items`.
        Unresumed { items: ::longhand::__private::Kept<P0> },
        /// Join point, passed within a poll: the loop's next iteration (line 7) is written once, in this state's arm; keeps `total`, `iter0` alive.
        Join0 {
            iter0: ::longhand::__private::Kept<L0>,
            total: ::longhand::__private::Kept<L1>,
        },
        /// Waiting at `run(async move { n * 2 }).await` (line 8); keeps `total`, `iter0` alive.
        Suspend0 {
            __awaitee: ::longhand::__private::Awaitee<A1>,
            iter0: ::longhand::__private::Kept<L2>,
            total: ::longhand::__private::Kept<L3>,
        },
        /// Finished: polling again panics.
        Returned,
        /// A poll panicked: polling again panics.
        Panicked,
    }
    impl<P0, L0, L1, A1, L2, L3> SumSlowlyState<P0, L0, L1, A1, L2, L3> {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(this: *mut Self) -> (P0,) {
            unsafe {
                let Self::Unresumed { items } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (items.take(),);
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
        unsafe fn take_join0(this: *mut Self) -> (L0, L1) {
            unsafe {
                let Self::Join0 { iter0, total } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (iter0.take(), total.take());
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
        /// Drops the completed awaitee in place, then moves the kept values out
        /// and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, whose awaitee has completed.
        #[inline(always)]
        unsafe fn take_suspend0(this: *mut Self) -> (L2, L3) {
            unsafe {
                let Self::Suspend0 { __awaitee, iter0, total } = &mut *this else {
                    ::core::unreachable!()
                };
                ::longhand::__private::Awaitee::drop_in_place(__awaitee, this);
                let taken = (iter0.take(), total.take());
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
    }
    unsafe impl<P0, L0, L1, A1, L2, L3> ::longhand::__private::StateMachine
    for SumSlowlyState<P0, L0, L1, A1, L2, L3> {
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
                    Self::Unresumed { items } => {
                        items.drop_in_place();
                    }
                    Self::Join0 { iter0, total } => {
                        iter0.drop_in_place();
                        total.drop_in_place();
                    }
                    Self::Suspend0 { __awaitee, iter0, total } => {
                        __awaitee.drop_unguarded();
                        iter0.drop_in_place();
                        total.drop_in_place();
                    }
                    Self::Returned | Self::Panicked => {}
                }
            }
        }
        unsafe fn state_name(this: *const Self) -> &'static str {
            unsafe {
                match *this {
                    Self::Unresumed { .. } => "Unresumed",
                    Self::Join0 { .. } => "Join0",
                    Self::Suspend0 { .. } => "Suspend0",
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
                    Self::Join0 { iter0, total, .. } => {
                        iter0.drop_in_place();
                        total.drop_in_place();
                    }
                    Self::Suspend0 { iter0, total, .. } => {
                        iter0.drop_in_place();
                        total.drop_in_place();
                    }
                    _ => {}
                }
                ::longhand::__private::ptr::write(this, Self::Panicked);
            }
        }
    }
    ::longhand::__private::lowered(
        SumSlowlyState::Unresumed {
            items: ::longhand::__private::Kept::new(items),
        },
        (),
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
        |__lh_state, __lh_pins, __lh_cx| -> ::longhand::__private::Poll<u32> {
            let __lh_this: *mut _ = unsafe {
                ::longhand::__private::Pin::get_unchecked_mut(__lh_state)
            };
            '__lh_dispatch: loop {
                match unsafe { &mut *__lh_this } {
                    SumSlowlyState::Unresumed { .. } => {
                        let (__lh_arg0,) = unsafe {
                            SumSlowlyState::take_unresumed(__lh_this)
                        };
                        let __lh_ret: u32 = '__lh_body: {
                            let items = __lh_arg0;
                            let mut total = 0;
                            match ::core::iter::IntoIterator::into_iter(items) {
                                mut __iter0 => {
                                    loop {
                                        {
                                            unsafe {
                                                ::longhand::__private::ptr::write(
                                                    __lh_this,
                                                    SumSlowlyState::Join0 {
                                                        iter0: ::longhand::__private::Kept::new(__iter0),
                                                        total: ::longhand::__private::Kept::new(total),
                                                    },
                                                )
                                            };
                                            ::longhand::__private::trace::transition(
                                                "sum_slowly",
                                                "Unresumed",
                                                "Join0",
                                                "the loop's next iteration",
                                            );
                                            continue '__lh_dispatch;
                                        };
                                        ::core::unreachable!(
                                            "longhand: this point follows a suspension"
                                        )
                                    }
                                }
                            };
                            ::core::unreachable!(
                                "longhand: this point follows a suspension"
                            )
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                SumSlowlyState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "sum_slowly",
                            "Unresumed",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    SumSlowlyState::Join0 { .. } => {
                        let __lh_resumed = ();
                        let (__lh_restored4, __lh_restored2) = unsafe {
                            SumSlowlyState::take_join0(__lh_this)
                        };
                        let __lh_ret: u32 = '__lh_body: {
                            let mut total = __lh_restored2;
                            {
                                let mut __iter0 = __lh_restored4;
                                '__lh_loop1: {
                                    '__lh_iteration1: {
                                        {
                                            { __lh_resumed };
                                            match ::core::iter::Iterator::next(&mut __iter0) {
                                                ::core::option::Option::None => break '__lh_loop1,
                                                ::core::option::Option::Some(n) => {
                                                    total
                                                        += {
                                                            unsafe {
                                                                ::longhand::__private::ptr::write(
                                                                    __lh_this,
                                                                    SumSlowlyState::Suspend0 {
                                                                        __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                                        iter0: ::longhand::__private::Kept::new(__iter0),
                                                                        total: ::longhand::__private::Kept::new(total),
                                                                    },
                                                                )
                                                            };
                                                            let __lh_guard = unsafe {
                                                                ::longhand::__private::AbandonGuard::new(__lh_this)
                                                            };
                                                            let SumSlowlyState::Suspend0 { __awaitee: __lh_slot, .. } = (unsafe {
                                                                &mut *__lh_this
                                                            }) else { ::core::unreachable!() };
                                                            __lh_slot
                                                                .init(
                                                                    ::core::future::IntoFuture::into_future(
                                                                        run(async move { n * 2 }),
                                                                    ),
                                                                );
                                                            __lh_guard.disarm();
                                                            ::longhand::__private::trace::transition(
                                                                "sum_slowly",
                                                                "Join0",
                                                                "Suspend0",
                                                                "run(async move { n * 2 }).await",
                                                            );
                                                            ::longhand::__private::output_of(
                                                                __lh_slot,
                                                                continue '__lh_dispatch,
                                                            )
                                                        };
                                                }
                                            }
                                        };
                                    };
                                    ::core::unreachable!(
                                        "longhand: this point follows a suspension"
                                    )
                                }
                            }
                            total
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                SumSlowlyState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "sum_slowly",
                            "Join0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    SumSlowlyState::Suspend0 { __awaitee: __lh_slot, .. } => {
                        let __lh_resumed = match unsafe {
                            ::longhand::__private::poll_awaitee(
                                __lh_this,
                                __lh_pins,
                                __lh_slot,
                                __lh_cx,
                            )
                        } {
                            ::longhand::__private::Poll::Ready(value) => value,
                            ::longhand::__private::Poll::Pending => {
                                ::longhand::__private::trace::transition(
                                    "sum_slowly",
                                    "Suspend0",
                                    "Suspend0",
                                    "run(async move { n * 2 }).await",
                                );
                                return ::longhand::__private::Poll::Pending;
                            }
                        };
                        let (__lh_restored4, __lh_restored2) = unsafe {
                            SumSlowlyState::take_suspend0(__lh_this)
                        };
                        let __lh_ret: u32 = '__lh_body: {
                            let mut total = __lh_restored2;
                            {
                                let mut __iter0 = __lh_restored4;
                                '__lh_loop1: {
                                    '__lh_iteration1: {
                                        {
                                            {
                                                {
                                                    total += { __lh_resumed };
                                                }
                                            }
                                        };
                                    }
                                    loop {
                                        {
                                            unsafe {
                                                ::longhand::__private::ptr::write(
                                                    __lh_this,
                                                    SumSlowlyState::Join0 {
                                                        iter0: ::longhand::__private::Kept::new(__iter0),
                                                        total: ::longhand::__private::Kept::new(total),
                                                    },
                                                )
                                            };
                                            ::longhand::__private::trace::transition(
                                                "sum_slowly",
                                                "Suspend0",
                                                "Join0",
                                                "the loop's next iteration",
                                            );
                                            continue '__lh_dispatch;
                                        };
                                        ::core::unreachable!(
                                            "longhand: this point follows a suspension"
                                        )
                                    }
                                }
                            };
                            ::core::unreachable!(
                                "longhand: this point follows a suspension"
                            )
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                SumSlowlyState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "sum_slowly",
                            "Suspend0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    SumSlowlyState::Returned => {
                        ::core::panic!("`async fn` resumed after completion")
                    }
                    SumSlowlyState::Panicked => {
                        ::core::panic!("`async fn` resumed after panicking")
                    }
                }
            }
        },
    )
}
