#[allow(
    clippy::needless_lifetimes,
    clippy::multiple_bound_locations,
    refining_impl_trait
)]
fn add_later(
    a: u32,
    b: u32,
) -> impl ::core::future::Future<Output = u32> + ::longhand::Inspect {
    /// The state machine of `async fn add_later`, written out by longhand.
    #[allow(non_camel_case_types, clippy::large_enum_variant)]
    enum AddLaterState<P0, P1, A0, L0> {
        /// Created, not polled yet: holds the arguments `a`, `b`.
        Unresumed {
            a: ::longhand::__private::Kept<P0>,
            b: ::longhand::__private::Kept<P1>,
        },
        /// Waiting at `std::future::ready(a).await` (line 3); keeps `b` alive.
        Suspend0 {
            __awaitee: ::longhand::__private::Awaitee<A0>,
            b: ::longhand::__private::Kept<L0>,
        },
        /// Finished: polling again panics.
        Returned,
        /// A poll panicked: polling again panics.
        Panicked,
    }
    impl<P0, P1, A0, L0> AddLaterState<P0, P1, A0, L0> {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(this: *mut Self) -> (P0, P1) {
            unsafe {
                let Self::Unresumed { a, b } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (a.take(), b.take());
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
        unsafe fn take_suspend0(this: *mut Self) -> (L0,) {
            unsafe {
                let Self::Suspend0 { __awaitee, b } = &mut *this else {
                    ::core::unreachable!()
                };
                ::longhand::__private::Awaitee::drop_in_place(__awaitee, this);
                let taken = (b.take(),);
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
    }
    unsafe impl<P0, P1, A0, L0> ::longhand::__private::StateMachine
    for AddLaterState<P0, P1, A0, L0> {
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
                    Self::Unresumed { a, b } => {
                        a.drop_in_place();
                        b.drop_in_place();
                    }
                    Self::Suspend0 { __awaitee, b } => {
                        __awaitee.drop_unguarded();
                        b.drop_in_place();
                    }
                    Self::Returned | Self::Panicked => {}
                }
            }
        }
        unsafe fn state_name(this: *const Self) -> &'static str {
            unsafe {
                match *this {
                    Self::Unresumed { .. } => "Unresumed",
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
                    Self::Suspend0 { b, .. } => {
                        b.drop_in_place();
                    }
                    _ => {}
                }
                ::longhand::__private::ptr::write(this, Self::Panicked);
            }
        }
    }
    ::longhand::__private::lowered(
        AddLaterState::Unresumed {
            a: ::longhand::__private::Kept::new(a),
            b: ::longhand::__private::Kept::new(b),
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
                    AddLaterState::Unresumed { .. } => {
                        let (__lh_arg0, __lh_arg1) = unsafe {
                            AddLaterState::take_unresumed(__lh_this)
                        };
                        let __lh_ret: u32 = '__lh_body: {
                            let __a_0 = __lh_arg0;
                            let b = __lh_arg1;
                            let a = {
                                unsafe {
                                    ::longhand::__private::ptr::write(
                                        __lh_this,
                                        AddLaterState::Suspend0 {
                                            __awaitee: ::longhand::__private::Awaitee::uninit(),
                                            b: ::longhand::__private::Kept::new(b),
                                        },
                                    )
                                };
                                let __lh_guard = unsafe {
                                    ::longhand::__private::AbandonGuard::new(__lh_this)
                                };
                                let AddLaterState::Suspend0 { __awaitee: __lh_slot, .. } = (unsafe {
                                    &mut *__lh_this
                                }) else { ::core::unreachable!() };
                                __lh_slot
                                    .init(
                                        ::core::future::IntoFuture::into_future(
                                            std::future::ready(__a_0),
                                        ),
                                    );
                                __lh_guard.disarm();
                                ::longhand::__private::trace::transition(
                                    "add_later",
                                    "Unresumed",
                                    "Suspend0",
                                    "std::future::ready(a).await",
                                );
                                ::longhand::__private::output_of(
                                    __lh_slot,
                                    continue '__lh_dispatch,
                                )
                            };
                            ::core::unreachable!(
                                "longhand: this point follows a suspension"
                            )
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                AddLaterState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "add_later",
                            "Unresumed",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    AddLaterState::Suspend0 { __awaitee: __lh_slot, .. } => {
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
                                    "add_later",
                                    "Suspend0",
                                    "Suspend0",
                                    "std::future::ready(a).await",
                                );
                                return ::longhand::__private::Poll::Pending;
                            }
                        };
                        let (__lh_restored2,) = unsafe {
                            AddLaterState::take_suspend0(__lh_this)
                        };
                        let __lh_ret: u32 = '__lh_body: {
                            let b = __lh_restored2;
                            let a = { __lh_resumed };
                            a + b
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                AddLaterState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "add_later",
                            "Suspend0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    AddLaterState::Returned => {
                        ::core::panic!("`async fn` resumed after completion")
                    }
                    AddLaterState::Panicked => {
                        ::core::panic!("`async fn` resumed after panicking")
                    }
                }
            }
        },
    )
}
