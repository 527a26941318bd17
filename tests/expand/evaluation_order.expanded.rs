#[allow(
    clippy::needless_lifetimes,
    clippy::multiple_bound_locations,
    refining_impl_trait
)]
fn report(
    name: String,
    client: &Client,
) -> impl ::core::future::Future<Output = String> + ::longhand::Inspect {
    #[allow(unused, clippy::all)]
    let _ = ::longhand::__private::native_check(
        ::longhand::__private::phantom_cons(
            ::longhand::__private::phantom_of(&name),
            ::longhand::__private::phantom_cons(
                ::longhand::__private::phantom_of(&client),
                ::core::marker::PhantomData::<()>,
            ),
        ),
        async move |mut __lh_args| -> String {
            let (name, (client, ())) = __lh_args;
            let __lh_native: String = {
                format!("{}: {}", name.trim(), client.fetch(& name). await)
            };
            __lh_native
        },
    );
    /// The state machine of `async fn report`, written out by longhand.
    #[allow(non_camel_case_types, clippy::large_enum_variant)]
    enum ReportState<P0, A0, L0> {
        /// Created, not polled yet: holds the arguments `client`. Pinned in place already: `name`.
        Unresumed { client: ::longhand::__private::Kept<P0> },
        /// Waiting at `client.fetch(&name).await` (line 3); keeps `tmp0` alive. Pinned in place meanwhile: `name`.
        Suspend0 {
            __awaitee: ::longhand::__private::Awaitee<A0>,
            tmp0: ::longhand::__private::Kept<L0>,
        },
        /// Finished: polling again panics.
        Returned,
        /// A poll panicked: polling again panics.
        Panicked,
    }
    impl<P0, A0, L0> ReportState<P0, A0, L0> {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(this: *mut Self) -> (P0,) {
            unsafe {
                let Self::Unresumed { client } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (client.take(),);
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
                let Self::Suspend0 { __awaitee, tmp0 } = &mut *this else {
                    ::core::unreachable!()
                };
                ::longhand::__private::Awaitee::drop_in_place(__awaitee, this);
                let taken = (tmp0.take(),);
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
    }
    unsafe impl<P0, A0, L0> ::longhand::__private::StateMachine
    for ReportState<P0, A0, L0> {
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
                    Self::Unresumed { client } => {
                        <P as ::longhand::__private::PinSlots>::drop_slot(pins, 0usize);
                        client.drop_in_place();
                    }
                    Self::Suspend0 { __awaitee, tmp0 } => {
                        __awaitee.drop_unguarded();
                        tmp0.drop_in_place();
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
                    Self::Suspend0 { tmp0, .. } => {
                        tmp0.drop_in_place();
                    }
                    _ => {}
                }
                ::longhand::__private::ptr::write(this, Self::Panicked);
            }
        }
    }
    ::longhand::__private::lowered(
        ReportState::Unresumed {
            client: ::longhand::__private::Kept::new(client),
        },
        (::longhand::__private::PinSlot::filled(name),),
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
        |__lh_state, __lh_pins, __lh_cx| -> ::longhand::__private::Poll<String> {
            let __lh_this: *mut _ = unsafe {
                ::longhand::__private::Pin::get_unchecked_mut(__lh_state)
            };
            let __lh_slot0 = unsafe { &raw mut (*__lh_pins).0 };
            '__lh_dispatch: loop {
                match unsafe { &mut *__lh_this } {
                    ReportState::Unresumed { .. } => {
                        let (__lh_arg1,) = unsafe {
                            ReportState::take_unresumed(__lh_this)
                        };
                        let __lh_ret: String = '__lh_body: {
                            let __lh_pin0 = unsafe {
                                ::longhand::__private::PinSlot::get(__lh_slot0)
                            };
                            let __lh_pinguard0 = unsafe {
                                ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                            };
                            let client: &Client = __lh_arg1;
                            match (*unsafe {
                                ::longhand::__private::PinSlot::get(__lh_slot0)
                            })
                                .value
                                .trim()
                            {
                                __tmp0 => {
                                    match {
                                        unsafe {
                                            ::longhand::__private::ptr::write(
                                                __lh_this,
                                                ReportState::Suspend0 {
                                                    __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                    tmp0: ::longhand::__private::Kept::new(__tmp0),
                                                },
                                            )
                                        };
                                        let __lh_guard = unsafe {
                                            ::longhand::__private::AbandonGuard::new(__lh_this)
                                        };
                                        let ReportState::Suspend0 { __awaitee: __lh_slot, .. } = (unsafe {
                                            &mut *__lh_this
                                        }) else { ::core::unreachable!() };
                                        __lh_slot
                                            .init(
                                                ::core::future::IntoFuture::into_future(
                                                    client
                                                        .fetch(
                                                            &(*unsafe {
                                                                ::longhand::__private::PinSlot::get(__lh_slot0)
                                                            })
                                                                .value,
                                                        ),
                                                ),
                                            );
                                        __lh_guard.disarm();
                                        ::longhand::__private::trace::transition(
                                            "report",
                                            "Unresumed",
                                            "Suspend0",
                                            "client.fetch(&name).await",
                                        );
                                        ::longhand::__private::output_of(
                                            __lh_slot,
                                            continue '__lh_dispatch,
                                        )
                                    } {
                                        __tmp1 => format!("{}: {}", __tmp0, __tmp1),
                                    }
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                ReportState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "report",
                            "Unresumed",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    ReportState::Suspend0 { __awaitee: __lh_slot, .. } => {
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
                                    "report",
                                    "Suspend0",
                                    "Suspend0",
                                    "client.fetch(&name).await",
                                );
                                return ::longhand::__private::Poll::Pending;
                            }
                        };
                        let (__lh_restored5,) = unsafe {
                            ReportState::take_suspend0(__lh_this)
                        };
                        let __lh_ret: String = '__lh_body: {
                            let __lh_pin0 = unsafe {
                                ::longhand::__private::PinSlot::get(__lh_slot0)
                            };
                            let __lh_pinguard0 = unsafe {
                                ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                            };
                            {
                                let __tmp0 = __lh_restored5;
                                match { __lh_resumed } {
                                    __tmp1 => format!("{}: {}", __tmp0, __tmp1),
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                ReportState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "report",
                            "Suspend0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    ReportState::Returned => {
                        ::core::panic!("`async fn` resumed after completion")
                    }
                    ReportState::Panicked => {
                        ::core::panic!("`async fn` resumed after panicking")
                    }
                }
            }
        },
    )
}
