#[allow(
    clippy::needless_lifetimes,
    clippy::multiple_bound_locations,
    refining_impl_trait
)]
fn fetch_total(
    db: &Db,
    ids: Vec<u32>,
) -> impl ::core::future::Future<Output = Result<u64, Error>> + ::longhand::Inspect {
    /// The state machine of `async fn fetch_total`, written out by longhand.
    #[allow(non_camel_case_types, clippy::large_enum_variant)]
    enum FetchTotalState<P0, P1, A0, L0, L1, L2> {
        /// Created, not polled yet: holds the arguments `db`, `ids`.
        Unresumed {
            db: ::longhand::__private::Kept<P0>,
            ids: ::longhand::__private::Kept<P1>,
        },
        /// Waiting at `db.get(id).await` (line 5); keeps `db`, `total`, `iter0` alive.
        Suspend0 {
            __awaitee: ::longhand::__private::Awaitee<A0>,
            iter0: ::longhand::__private::Kept<L0>,
            total: ::longhand::__private::Kept<L1>,
            db: ::longhand::__private::Kept<L2>,
        },
        /// Finished: polling again panics.
        Returned,
        /// A poll panicked: polling again panics.
        Panicked,
    }
    impl<P0, P1, A0, L0, L1, L2> FetchTotalState<P0, P1, A0, L0, L1, L2> {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(this: *mut Self) -> (P0, P1) {
            unsafe {
                let Self::Unresumed { db, ids } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (db.take(), ids.take());
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
        unsafe fn take_suspend0(this: *mut Self) -> (L0, L1, L2) {
            unsafe {
                let Self::Suspend0 { __awaitee, iter0, total, db } = &mut *this else {
                    ::core::unreachable!()
                };
                ::longhand::__private::Awaitee::drop_in_place(__awaitee, this);
                let taken = (iter0.take(), total.take(), db.take());
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
    }
    unsafe impl<P0, P1, A0, L0, L1, L2> ::longhand::__private::StateMachine
    for FetchTotalState<P0, P1, A0, L0, L1, L2> {
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
                    Self::Unresumed { db, ids } => {
                        db.drop_in_place();
                        ids.drop_in_place();
                    }
                    Self::Suspend0 { __awaitee, iter0, total, db } => {
                        __awaitee.drop_unguarded();
                        iter0.drop_in_place();
                        total.drop_in_place();
                        db.drop_in_place();
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
                    Self::Suspend0 { iter0, total, db, .. } => {
                        iter0.drop_in_place();
                        total.drop_in_place();
                        db.drop_in_place();
                    }
                    _ => {}
                }
                ::longhand::__private::ptr::write(this, Self::Panicked);
            }
        }
    }
    ::longhand::__private::lowered(
        FetchTotalState::Unresumed {
            db: ::longhand::__private::Kept::new(db),
            ids: ::longhand::__private::Kept::new(ids),
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
        |
            __lh_state,
            __lh_pins,
            __lh_cx,
        | -> ::longhand::__private::Poll<Result<u64, Error>> {
            let __lh_this: *mut _ = unsafe {
                ::longhand::__private::Pin::get_unchecked_mut(__lh_state)
            };
            '__lh_dispatch: loop {
                match unsafe { &mut *__lh_this } {
                    FetchTotalState::Unresumed { .. } => {
                        let (__lh_arg0, __lh_arg1) = unsafe {
                            FetchTotalState::take_unresumed(__lh_this)
                        };
                        let __lh_ret: Result<u64, Error> = '__lh_body: {
                            let db: &Db = __lh_arg0;
                            let ids = __lh_arg1;
                            let mut total = 0;
                            match ::core::iter::IntoIterator::into_iter(ids) {
                                mut __iter0 => {
                                    loop {
                                        match ::core::iter::Iterator::next(&mut __iter0) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some(id) => {
                                                total
                                                    += match ::longhand::__private::Try::branch(
                                                        ({
                                                            unsafe {
                                                                ::longhand::__private::ptr::write(
                                                                    __lh_this,
                                                                    FetchTotalState::Suspend0 {
                                                                        __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                                        iter0: ::longhand::__private::Kept::new(__iter0),
                                                                        total: ::longhand::__private::Kept::new(total),
                                                                        db: ::longhand::__private::Kept::new(db),
                                                                    },
                                                                )
                                                            };
                                                            let __lh_guard = unsafe {
                                                                ::longhand::__private::AbandonGuard::new(__lh_this)
                                                            };
                                                            let FetchTotalState::Suspend0 {
                                                                __awaitee: __lh_slot,
                                                                db: __lh_place_db,
                                                                ..
                                                            } = (unsafe { &mut *__lh_this }) else {
                                                                ::core::unreachable!()
                                                            };
                                                            let __lh_place_db = unsafe { __lh_place_db.place() };
                                                            __lh_slot
                                                                .init(
                                                                    ::core::future::IntoFuture::into_future(
                                                                        (*__lh_place_db).get(id),
                                                                    ),
                                                                );
                                                            __lh_guard.disarm();
                                                            ::longhand::__private::trace::transition(
                                                                "fetch_total",
                                                                "Unresumed",
                                                                "Suspend0",
                                                                "db.get(id).await",
                                                            );
                                                            ::longhand::__private::output_of(
                                                                __lh_slot,
                                                                continue '__lh_dispatch,
                                                            )
                                                        }),
                                                    ) {
                                                        ::longhand::__private::ControlFlow::Continue(__lh_value) => {
                                                            __lh_value
                                                        }
                                                        ::longhand::__private::ControlFlow::Break(__lh_residual) => {
                                                            break '__lh_body (::longhand::__private::FromResidual::from_residual(
                                                                __lh_residual,
                                                            ));
                                                        }
                                                    }
                                                        .amount;
                                            }
                                        }
                                    }
                                }
                            }
                            Ok(total)
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                FetchTotalState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "fetch_total",
                            "Unresumed",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    FetchTotalState::Suspend0 { __awaitee: __lh_slot, .. } => {
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
                                    "fetch_total",
                                    "Suspend0",
                                    "Suspend0",
                                    "db.get(id).await",
                                );
                                return ::longhand::__private::Poll::Pending;
                            }
                        };
                        let (__lh_restored6, __lh_restored4, __lh_restored0) = unsafe {
                            FetchTotalState::take_suspend0(__lh_this)
                        };
                        let __lh_ret: Result<u64, Error> = '__lh_body: {
                            let db: &Db = __lh_restored0;
                            let mut total = __lh_restored4;
                            {
                                let mut __iter0 = __lh_restored6;
                                '__lh_loop1: {
                                    '__lh_iteration1: {
                                        {
                                            {
                                                {
                                                    total
                                                        += match ::longhand::__private::Try::branch(
                                                            ({ __lh_resumed }),
                                                        ) {
                                                            ::longhand::__private::ControlFlow::Continue(__lh_value) => {
                                                                __lh_value
                                                            }
                                                            ::longhand::__private::ControlFlow::Break(__lh_residual) => {
                                                                break '__lh_body (::longhand::__private::FromResidual::from_residual(
                                                                    __lh_residual,
                                                                ));
                                                            }
                                                        }
                                                            .amount;
                                                }
                                            }
                                        };
                                    }
                                    loop {
                                        match ::core::iter::Iterator::next(&mut __iter0) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some(id) => {
                                                total
                                                    += match ::longhand::__private::Try::branch(
                                                        ({
                                                            unsafe {
                                                                ::longhand::__private::ptr::write(
                                                                    __lh_this,
                                                                    FetchTotalState::Suspend0 {
                                                                        __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                                        iter0: ::longhand::__private::Kept::new(__iter0),
                                                                        total: ::longhand::__private::Kept::new(total),
                                                                        db: ::longhand::__private::Kept::new(db),
                                                                    },
                                                                )
                                                            };
                                                            let __lh_guard = unsafe {
                                                                ::longhand::__private::AbandonGuard::new(__lh_this)
                                                            };
                                                            let FetchTotalState::Suspend0 {
                                                                __awaitee: __lh_slot,
                                                                db: __lh_place_db,
                                                                ..
                                                            } = (unsafe { &mut *__lh_this }) else {
                                                                ::core::unreachable!()
                                                            };
                                                            let __lh_place_db = unsafe { __lh_place_db.place() };
                                                            __lh_slot
                                                                .init(
                                                                    ::core::future::IntoFuture::into_future(
                                                                        (*__lh_place_db).get(id),
                                                                    ),
                                                                );
                                                            __lh_guard.disarm();
                                                            ::longhand::__private::trace::transition(
                                                                "fetch_total",
                                                                "Suspend0",
                                                                "Suspend0",
                                                                "db.get(id).await",
                                                            );
                                                            ::longhand::__private::output_of(
                                                                __lh_slot,
                                                                continue '__lh_dispatch,
                                                            )
                                                        }),
                                                    ) {
                                                        ::longhand::__private::ControlFlow::Continue(__lh_value) => {
                                                            __lh_value
                                                        }
                                                        ::longhand::__private::ControlFlow::Break(__lh_residual) => {
                                                            break '__lh_body (::longhand::__private::FromResidual::from_residual(
                                                                __lh_residual,
                                                            ));
                                                        }
                                                    }
                                                        .amount;
                                            }
                                        }
                                    }
                                }
                            }
                            Ok(total)
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                FetchTotalState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "fetch_total",
                            "Suspend0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    FetchTotalState::Returned => {
                        ::core::panic!("`async fn` resumed after completion")
                    }
                    FetchTotalState::Panicked => {
                        ::core::panic!("`async fn` resumed after panicking")
                    }
                }
            }
        },
    )
}
