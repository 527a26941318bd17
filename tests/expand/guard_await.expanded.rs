#[allow(
    clippy::needless_lifetimes,
    clippy::multiple_bound_locations,
    refining_impl_trait
)]
fn admit(
    user: Option<String>,
    limits: &Limits,
) -> impl ::core::future::Future<Output = u32> + ::longhand::Inspect {
    #[allow(unused, clippy::all)]
    let _ = ::longhand::__private::native_check(
        ::longhand::__private::phantom_cons(
            ::longhand::__private::phantom_of(&user),
            ::longhand::__private::phantom_cons(
                ::longhand::__private::phantom_of(&limits),
                ::core::marker::PhantomData::<()>,
            ),
        ),
        async move |mut __lh_args| -> u32 {
            let (user, (limits, ())) = __lh_args;
            let __lh_native: u32 = {
                match user {
                    Some(name) if limits.allows(&name).await => name.len() as u32,
                    Some(_) => 1,
                    None => 0,
                }
            };
            __lh_native
        },
    );
    /// The state machine of `async fn admit`, written out by longhand.
    #[allow(non_camel_case_types, clippy::large_enum_variant)]
    enum AdmitState<P0, A0> {
        /// Created, not polled yet: holds the arguments `limits`. Pinned in place already: `user`.
        Unresumed { limits: ::longhand::__private::Kept<P0> },
        /// Waiting at `limits.allows(&name).await` (line 4); keeps nothing else alive. Pinned in place meanwhile: `user`, `name` (as its guard reads it).
        Suspend0 { __awaitee: ::longhand::__private::Awaitee<A0> },
        /// Finished: polling again panics.
        Returned,
        /// A poll panicked: polling again panics.
        Panicked,
    }
    impl<P0, A0> AdmitState<P0, A0> {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(this: *mut Self) -> (P0,) {
            unsafe {
                let Self::Unresumed { limits } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (limits.take(),);
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
        unsafe fn take_suspend0(this: *mut Self) -> () {
            unsafe {
                let Self::Suspend0 { __awaitee } = &mut *this else {
                    ::core::unreachable!()
                };
                ::longhand::__private::Awaitee::drop_in_place(__awaitee, this);
                let taken = ();
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
    }
    unsafe impl<P0, A0> ::longhand::__private::StateMachine for AdmitState<P0, A0> {
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
                    Self::Unresumed { limits } => {
                        <P as ::longhand::__private::PinSlots>::drop_slot(pins, 0usize);
                        limits.drop_in_place();
                    }
                    Self::Suspend0 { __awaitee } => {
                        __awaitee.drop_unguarded();
                        <P as ::longhand::__private::PinSlots>::drop_slot(pins, 1usize);
                        <P as ::longhand::__private::PinSlots>::drop_slot(pins, 0usize);
                    }
                    Self::Returned | Self::Panicked => {}
                }
                <P as ::longhand::__private::PinSlots>::drop_slot(pins, 0usize);
                <P as ::longhand::__private::PinSlots>::drop_slot(pins, 1usize);
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
                    Self::Suspend0 { .. } => {}
                    _ => {}
                }
                ::longhand::__private::ptr::write(this, Self::Panicked);
            }
        }
    }
    ::longhand::__private::lowered(
        AdmitState::Unresumed {
            limits: ::longhand::__private::Kept::new(limits),
        },
        (
            ::longhand::__private::PinSlot::filled(user),
            ::longhand::__private::PinSlot::default(),
        ),
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
            let __lh_slot0 = unsafe { &raw mut (*__lh_pins).0 };
            let __lh_slot1 = unsafe { &raw mut (*__lh_pins).1 };
            '__lh_dispatch: loop {
                match unsafe { &mut *__lh_this } {
                    AdmitState::Unresumed { .. } => {
                        let (__lh_arg1,) = unsafe {
                            AdmitState::take_unresumed(__lh_this)
                        };
                        let __lh_ret: u32 = '__lh_body: {
                            let __lh_pin0 = unsafe {
                                ::longhand::__private::PinSlot::get(__lh_slot0)
                            };
                            let __lh_pinguard0 = unsafe {
                                ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                            };
                            let limits: &Limits = __lh_arg1;
                            {
                                let __lh_arm0: usize = '__lh_guards0: {
                                    if let ::core::option::Option::Some((__lh_held_name_15,)) = ('__lh_peek0: {
                                        match *&(*unsafe {
                                            ::longhand::__private::PinSlot::get(__lh_slot0)
                                        })
                                            .value
                                        {
                                            Some(
                                                name,
                                            ) if {
                                                break '__lh_peek0 (::core::option::Option::Some((
                                                    {
                                                        #[allow(unused_imports)]
                                                        use ::longhand::__private::HoldByRef as _;
                                                        ::longhand::__private::GuardBinding(&name).hold()
                                                    },
                                                )))
                                            } => {}
                                            _ => {}
                                        }
                                        ::core::option::Option::None
                                    }) {
                                        let __lh_pinned_value = __lh_held_name_15;
                                        let __lh_pin5 = unsafe {
                                            ::longhand::__private::PinSlot::init(
                                                __lh_slot1,
                                                __lh_pinned_value,
                                            )
                                        };
                                        let __lh_pinguard5 = unsafe {
                                            ::longhand::__private::PinGuard::new(__lh_this, __lh_slot1)
                                        };
                                        if {
                                            unsafe {
                                                ::longhand::__private::ptr::write(
                                                    __lh_this,
                                                    AdmitState::Suspend0 {
                                                        __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                    },
                                                )
                                            };
                                            let __lh_guard = unsafe {
                                                ::longhand::__private::AbandonGuard::new(__lh_this)
                                            };
                                            let AdmitState::Suspend0 { __awaitee: __lh_slot, .. } = (unsafe {
                                                &mut *__lh_this
                                            }) else { ::core::unreachable!() };
                                            __lh_slot
                                                .init(
                                                    ::core::future::IntoFuture::into_future(
                                                        limits
                                                            .allows(
                                                                &(*(*unsafe {
                                                                    ::longhand::__private::PinSlot::get(__lh_slot1)
                                                                })
                                                                    .value),
                                                            ),
                                                    ),
                                                );
                                            __lh_guard.disarm();
                                            ::longhand::__private::trace::transition(
                                                "admit",
                                                "Unresumed",
                                                "Suspend0",
                                                "limits.allows(&name).await",
                                            );
                                            ::longhand::__private::output_of(
                                                __lh_slot,
                                                continue '__lh_dispatch,
                                            )
                                        } {
                                            break '__lh_guards0 0usize;
                                        }
                                    }
                                    1usize
                                };
                                match unsafe {
                                    ::longhand::__private::PinSlot::take(__lh_slot0)
                                } {
                                    Some(name) if __lh_arm0 == 0usize => name.len() as u32,
                                    Some(_) => 1,
                                    None => 0,
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                AdmitState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "admit",
                            "Unresumed",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    AdmitState::Suspend0 { __awaitee: __lh_slot, .. } => {
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
                                    "admit",
                                    "Suspend0",
                                    "Suspend0",
                                    "limits.allows(&name).await",
                                );
                                return ::longhand::__private::Poll::Pending;
                            }
                        };
                        let () = unsafe { AdmitState::take_suspend0(__lh_this) };
                        let __lh_ret: u32 = '__lh_body: {
                            let __lh_pin0 = unsafe {
                                ::longhand::__private::PinSlot::get(__lh_slot0)
                            };
                            let __lh_pinguard0 = unsafe {
                                ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                            };
                            {
                                let __lh_arm0: usize = '__lh_guards0: {
                                    {
                                        let __lh_pin5 = unsafe {
                                            ::longhand::__private::PinSlot::get(__lh_slot1)
                                        };
                                        let __lh_pinguard5 = unsafe {
                                            ::longhand::__private::PinGuard::new(__lh_this, __lh_slot1)
                                        };
                                        if { __lh_resumed } {
                                            break '__lh_guards0 0usize;
                                        }
                                    }
                                    1usize
                                };
                                match unsafe {
                                    ::longhand::__private::PinSlot::take(__lh_slot0)
                                } {
                                    Some(name) if __lh_arm0 == 0usize => name.len() as u32,
                                    Some(_) => 1,
                                    None => 0,
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                AdmitState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "admit",
                            "Suspend0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    AdmitState::Returned => {
                        ::core::panic!("`async fn` resumed after completion")
                    }
                    AdmitState::Panicked => {
                        ::core::panic!("`async fn` resumed after panicking")
                    }
                }
            }
        },
    )
}
