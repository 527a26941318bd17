impl Connection {
    #[allow(
        clippy::needless_lifetimes,
        clippy::multiple_bound_locations,
        refining_impl_trait
    )]
    fn read_message(
        &mut self,
    ) -> impl ::core::future::Future<
        Output = std::io::Result<Vec<u8>>,
    > + ::longhand::Inspect {
        #[allow(unused, clippy::all)]
        let _ = ::longhand::__private::native_check(
            ::longhand::__private::phantom_cons(
                ::longhand::__private::phantom_of(&self),
                ::core::marker::PhantomData::<()>,
            ),
            async move |mut __lh_args| -> std::io::Result<Vec<u8>> {
                let (__lh_self, ()) = __lh_args;
                let __lh_native: std::io::Result<Vec<u8>> = {
                    let mut buf = vec![0u8; 1024];
                    let n = __lh_self.stream.read(&mut buf).await?;
                    buf.truncate(n);
                    __lh_self.received += 1;
                    Ok(buf)
                };
                __lh_native
            },
        );
        /// The state machine of `async fn read_message`, written out by longhand.
        #[allow(non_camel_case_types, clippy::large_enum_variant)]
        enum ReadMessageState<P0, A0, L0> {
            /// Created, not polled yet: holds the arguments `self_`.
            Unresumed { self_: ::longhand::__private::Kept<P0> },
            /// Waiting at `self.stream.read(&mut buf).await` (line 5); keeps `self_` alive. Pinned in place meanwhile: `buf`.
            Suspend0 {
                __awaitee: ::longhand::__private::Awaitee<A0>,
                self_: ::longhand::__private::Kept<L0>,
            },
            /// Finished: polling again panics.
            Returned,
            /// A poll panicked: polling again panics.
            Panicked,
        }
        impl<P0, A0, L0> ReadMessageState<P0, A0, L0> {
            /// Moves the arguments out and marks the state `Panicked` while the body runs.
            ///
            /// # Safety
            ///
            /// `this` points to the pinned state, which is `Unresumed`.
            #[inline(always)]
            unsafe fn take_unresumed(this: *mut Self) -> (P0,) {
                unsafe {
                    let Self::Unresumed { self_ } = &mut *this else {
                        ::core::unreachable!()
                    };
                    let taken = (self_.take(),);
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
                    let Self::Suspend0 { __awaitee, self_ } = &mut *this else {
                        ::core::unreachable!()
                    };
                    ::longhand::__private::Awaitee::drop_in_place(__awaitee, this);
                    let taken = (self_.take(),);
                    ::longhand::__private::ptr::write(this, Self::Panicked);
                    taken
                }
            }
        }
        unsafe impl<P0, A0, L0> ::longhand::__private::StateMachine
        for ReadMessageState<P0, A0, L0> {
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
                        Self::Unresumed { self_ } => {
                            self_.drop_in_place();
                        }
                        Self::Suspend0 { __awaitee, self_ } => {
                            __awaitee.drop_unguarded();
                            <P as ::longhand::__private::PinSlots>::drop_slot(
                                pins,
                                0usize,
                            );
                            self_.drop_in_place();
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
                        Self::Suspend0 { self_, .. } => {
                            self_.drop_in_place();
                        }
                        _ => {}
                    }
                    ::longhand::__private::ptr::write(this, Self::Panicked);
                }
            }
        }
        ::longhand::__private::lowered(
            ReadMessageState::Unresumed {
                self_: ::longhand::__private::Kept::new(self),
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
            |
                __lh_state,
                __lh_pins,
                __lh_cx,
            | -> ::longhand::__private::Poll<std::io::Result<Vec<u8>>> {
                let __lh_this: *mut _ = unsafe {
                    ::longhand::__private::Pin::get_unchecked_mut(__lh_state)
                };
                let __lh_slot0 = unsafe { &raw mut (*__lh_pins).0 };
                '__lh_dispatch: loop {
                    match unsafe { &mut *__lh_this } {
                        ReadMessageState::Unresumed { .. } => {
                            let (__lh_arg0,) = unsafe {
                                ReadMessageState::take_unresumed(__lh_this)
                            };
                            let __lh_ret: std::io::Result<Vec<u8>> = '__lh_body: {
                                let __lh_self: &mut Self = __lh_arg0;
                                let __lh_pinned_value = vec![0u8; 1024];
                                let __lh_pin2 = unsafe {
                                    ::longhand::__private::PinSlot::init(
                                        __lh_slot0,
                                        __lh_pinned_value,
                                    )
                                };
                                let __lh_pinguard2 = unsafe {
                                    ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                                };
                                let _ = {
                                    unsafe {
                                        ::longhand::__private::ptr::write(
                                            __lh_this,
                                            ReadMessageState::Suspend0 {
                                                __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                self_: ::longhand::__private::Kept::new(__lh_self),
                                            },
                                        )
                                    };
                                    let __lh_guard = unsafe {
                                        ::longhand::__private::AbandonGuard::new(__lh_this)
                                    };
                                    let ReadMessageState::Suspend0 {
                                        __awaitee: __lh_slot,
                                        self_: __lh_place_self_,
                                        ..
                                    } = (unsafe { &mut *__lh_this }) else {
                                        ::core::unreachable!()
                                    };
                                    let __lh_place_self_ = unsafe { __lh_place_self_.place() };
                                    __lh_slot
                                        .init(
                                            ::core::future::IntoFuture::into_future(
                                                (*__lh_place_self_)
                                                    .stream
                                                    .read(
                                                        &mut (*unsafe {
                                                            ::longhand::__private::PinSlot::get(__lh_slot0)
                                                        })
                                                            .value,
                                                    ),
                                            ),
                                        );
                                    __lh_guard.disarm();
                                    ::longhand::__private::trace::transition(
                                        "read_message",
                                        "Unresumed",
                                        "Suspend0",
                                        "self.stream.read(&mut buf).await",
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
                                    ReadMessageState::Returned,
                                )
                            };
                            ::longhand::__private::trace::transition(
                                "read_message",
                                "Unresumed",
                                "Returned",
                                "",
                            );
                            return ::longhand::__private::Poll::Ready(__lh_ret);
                        }
                        ReadMessageState::Suspend0 { __awaitee: __lh_slot, .. } => {
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
                                        "read_message",
                                        "Suspend0",
                                        "Suspend0",
                                        "self.stream.read(&mut buf).await",
                                    );
                                    return ::longhand::__private::Poll::Pending;
                                }
                            };
                            let (__lh_restored0,) = unsafe {
                                ReadMessageState::take_suspend0(__lh_this)
                            };
                            let __lh_ret: std::io::Result<Vec<u8>> = '__lh_body: {
                                let __lh_self: &mut Self = __lh_restored0;
                                let __lh_pin2 = unsafe {
                                    ::longhand::__private::PinSlot::get(__lh_slot0)
                                };
                                let __lh_pinguard2 = unsafe {
                                    ::longhand::__private::PinGuard::new(__lh_this, __lh_slot0)
                                };
                                let n = match ::longhand::__private::Try::branch({
                                    __lh_resumed
                                }) {
                                    ::longhand::__private::ControlFlow::Continue(__lh_value) => {
                                        __lh_value
                                    }
                                    ::longhand::__private::ControlFlow::Break(__lh_residual) => {
                                        break '__lh_body (::longhand::__private::FromResidual::from_residual(
                                            __lh_residual,
                                        ));
                                    }
                                };
                                (*unsafe {
                                    ::longhand::__private::PinSlot::get(__lh_slot0)
                                })
                                    .value
                                    .truncate(n);
                                __lh_self.received += 1;
                                Ok(unsafe {
                                    ::longhand::__private::PinSlot::take(__lh_slot0)
                                })
                            };
                            unsafe {
                                ::longhand::__private::ptr::write(
                                    __lh_this,
                                    ReadMessageState::Returned,
                                )
                            };
                            ::longhand::__private::trace::transition(
                                "read_message",
                                "Suspend0",
                                "Returned",
                                "",
                            );
                            return ::longhand::__private::Poll::Ready(__lh_ret);
                        }
                        ReadMessageState::Returned => {
                            ::core::panic!("`async fn` resumed after completion")
                        }
                        ReadMessageState::Panicked => {
                            ::core::panic!("`async fn` resumed after panicking")
                        }
                    }
                }
            },
        )
    }
}
