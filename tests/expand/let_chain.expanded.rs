#[allow(
    clippy::needless_lifetimes,
    clippy::multiple_bound_locations,
    refining_impl_trait
)]
fn greet(id: u32) -> impl ::core::future::Future<Output = String> + ::longhand::Inspect {
    #[allow(unused, clippy::all)]
    let _ = ::longhand::__private::native_check(
        ::longhand::__private::phantom_cons(
            ::longhand::__private::phantom_of(&id),
            ::core::marker::PhantomData::<()>,
        ),
        async move |mut __lh_args| -> String {
            let (id, ()) = __lh_args;
            let __lh_native: String = {
                if let Some(user) = find(id).await && let Ok(name) = user.name().await
                    && !name.is_empty()
                {
                    format!("hello {name}")
                } else {
                    String::from("who?")
                }
            };
            __lh_native
        },
    );
    /// The state machine of `async fn greet`, written out by longhand.
    #[allow(non_camel_case_types, clippy::large_enum_variant)]
    enum GreetState<P0, A0, A1> {
        /// Created, not polled yet: holds the arguments `id`.
        Unresumed { id: ::longhand::__private::Kept<P0> },
        /// Waiting at `find(id).await` (line 3); keeps nothing else alive.
        Suspend0 { __awaitee: ::longhand::__private::Awaitee<A0> },
        /// Waiting at `user.name().await` (line 3); keeps nothing else alive. Pinned in place meanwhile: `user`.
        Suspend1 { __awaitee: ::longhand::__private::Awaitee<A1> },
        /// Finished: polling again panics.
        Returned,
        /// A poll panicked: polling again panics.
        Panicked,
    }
    impl<P0, A0, A1> GreetState<P0, A0, A1> {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(this: *mut Self) -> (P0,) {
            unsafe {
                let Self::Unresumed { id } = &mut *this else { ::core::unreachable!() };
                let taken = (id.take(),);
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
        /// Drops the completed awaitee in place, then moves the kept values out
        /// and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, whose awaitee has completed.
        #[inline(always)]
        unsafe fn take_suspend1(this: *mut Self) -> () {
            unsafe {
                let Self::Suspend1 { __awaitee } = &mut *this else {
                    ::core::unreachable!()
                };
                ::longhand::__private::Awaitee::drop_in_place(__awaitee, this);
                let taken = ();
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
    }
    unsafe impl<P0, A0, A1> ::longhand::__private::StateMachine
    for GreetState<P0, A0, A1> {
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
                    Self::Unresumed { id } => {
                        id.drop_in_place();
                    }
                    Self::Suspend0 { __awaitee } => {
                        __awaitee.drop_unguarded();
                    }
                    Self::Suspend1 { __awaitee } => {
                        __awaitee.drop_unguarded();
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
                    Self::Suspend0 { .. } => {}
                    Self::Suspend1 { .. } => {}
                    _ => {}
                }
                ::longhand::__private::ptr::write(this, Self::Panicked);
            }
        }
    }
    ::longhand::__private::lowered(
        GreetState::Unresumed {
            id: ::longhand::__private::Kept::new(id),
        },
        (::longhand::__private::PinSlot::default(),),
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
                    GreetState::Unresumed { .. } => {
                        let (__lh_arg0,) = unsafe {
                            GreetState::take_unresumed(__lh_this)
                        };
                        let __lh_ret: String = '__lh_body: {
                            let id = __lh_arg0;
                            {
                                '__lh_chain0: {
                                    if let Some(__user_9) = {
                                        unsafe {
                                            ::longhand::__private::ptr::write(
                                                __lh_this,
                                                GreetState::Suspend0 {
                                                    __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                },
                                            )
                                        };
                                        let __lh_guard = unsafe {
                                            ::longhand::__private::AbandonGuard::new(__lh_this)
                                        };
                                        let GreetState::Suspend0 { __awaitee: __lh_slot, .. } = (unsafe {
                                            &mut *__lh_this
                                        }) else { ::core::unreachable!() };
                                        __lh_slot
                                            .init(::core::future::IntoFuture::into_future(find(id)));
                                        __lh_guard.disarm();
                                        ::longhand::__private::trace::transition(
                                            "greet",
                                            "Unresumed",
                                            "Suspend0",
                                            "find(id).await",
                                        );
                                        ::longhand::__private::output_of(
                                            __lh_slot,
                                            continue '__lh_dispatch,
                                        )
                                    } {
                                        let __lh_pinned_value = __user_9;
                                        let __lh_pin2 = unsafe {
                                            ::longhand::__private::PinSlot::init(
                                                __lh_slot0,
                                                __lh_pinned_value,
                                            )
                                        };
                                        let __lh_pinguard2 = unsafe {
                                            ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                                        };
                                        if let Ok(name) = {
                                            let GreetState::Suspend1 { __awaitee: __lh_slot, .. } = (unsafe {
                                                &mut *__lh_this
                                            }) else { ::core::unreachable!() };
                                            ::longhand::__private::output_of_operand_in(
                                                __lh_slot,
                                                (*unsafe {
                                                    ::longhand::__private::PinSlot::get(__lh_slot0)
                                                })
                                                    .value
                                                    .name(),
                                                ::core::unreachable!(),
                                            )
                                        } && !name.is_empty()
                                        {
                                            break '__lh_chain0 { format!("hello {name}", name = name) };
                                        }
                                    }
                                    { String::from("who?") }
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                GreetState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "greet",
                            "Unresumed",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    GreetState::Suspend0 { __awaitee: __lh_slot, .. } => {
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
                                    "greet",
                                    "Suspend0",
                                    "Suspend0",
                                    "find(id).await",
                                );
                                return ::longhand::__private::Poll::Pending;
                            }
                        };
                        let () = unsafe { GreetState::take_suspend0(__lh_this) };
                        let __lh_ret: String = '__lh_body: {
                            {
                                '__lh_chain0: {
                                    if let Some(__user_9) = { __lh_resumed } {
                                        let __lh_pinned_value = __user_9;
                                        let __lh_pin2 = unsafe {
                                            ::longhand::__private::PinSlot::init(
                                                __lh_slot0,
                                                __lh_pinned_value,
                                            )
                                        };
                                        let __lh_pinguard2 = unsafe {
                                            ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                                        };
                                        if let Ok(name) = {
                                            unsafe {
                                                ::longhand::__private::ptr::write(
                                                    __lh_this,
                                                    GreetState::Suspend1 {
                                                        __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                    },
                                                )
                                            };
                                            let __lh_guard = unsafe {
                                                ::longhand::__private::AbandonGuard::new(__lh_this)
                                            };
                                            let GreetState::Suspend1 { __awaitee: __lh_slot, .. } = (unsafe {
                                                &mut *__lh_this
                                            }) else { ::core::unreachable!() };
                                            __lh_slot
                                                .init(
                                                    ::core::future::IntoFuture::into_future(
                                                        (*unsafe {
                                                            ::longhand::__private::PinSlot::get(__lh_slot0)
                                                        })
                                                            .value
                                                            .name(),
                                                    ),
                                                );
                                            __lh_guard.disarm();
                                            ::longhand::__private::trace::transition(
                                                "greet",
                                                "Suspend0",
                                                "Suspend1",
                                                "user.name().await",
                                            );
                                            ::longhand::__private::output_of(
                                                __lh_slot,
                                                continue '__lh_dispatch,
                                            )
                                        } && !name.is_empty()
                                        {
                                            break '__lh_chain0 { format!("hello {name}", name = name) };
                                        }
                                    }
                                    { String::from("who?") }
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                GreetState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "greet",
                            "Suspend0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    GreetState::Suspend1 { __awaitee: __lh_slot, .. } => {
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
                                    "greet",
                                    "Suspend1",
                                    "Suspend1",
                                    "user.name().await",
                                );
                                return ::longhand::__private::Poll::Pending;
                            }
                        };
                        let () = unsafe { GreetState::take_suspend1(__lh_this) };
                        let __lh_ret: String = '__lh_body: {
                            {
                                '__lh_chain0: {
                                    {
                                        let __lh_pin2 = unsafe {
                                            ::longhand::__private::PinSlot::get(__lh_slot0)
                                        };
                                        let __lh_pinguard2 = unsafe {
                                            ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                                        };
                                        if let Ok(name) = { __lh_resumed } && !name.is_empty() {
                                            break '__lh_chain0 { format!("hello {name}", name = name) };
                                        }
                                    }
                                    { String::from("who?") }
                                }
                            }
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                GreetState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "greet",
                            "Suspend1",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    GreetState::Returned => {
                        ::core::panic!("`async fn` resumed after completion")
                    }
                    GreetState::Panicked => {
                        ::core::panic!("`async fn` resumed after panicking")
                    }
                }
            }
        },
    )
}
