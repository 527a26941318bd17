#[allow(
    clippy::needless_lifetimes,
    clippy::multiple_bound_locations,
    refining_impl_trait
)]
fn first_match(
    rows: Vec<Vec<u32>>,
    wanted: u32,
) -> impl ::core::future::Future<Output = Option<(usize, usize)>> + ::longhand::Inspect {
    /// The state machine of `async fn first_match`, written out by longhand.
    #[allow(non_camel_case_types, clippy::large_enum_variant)]
    enum FirstMatchState<P0, P1, A0, L0, L1, L2, L3, L4> {
        /// Created, not polled yet: holds the arguments `rows`, `wanted`.
        Unresumed {
            rows: ::longhand::__private::Kept<P0>,
            wanted: ::longhand::__private::Kept<P1>,
        },
        /// Waiting at `lookup(cell).await` (line 8); keeps `wanted`, `iter0`, `i`, `iter1`, `j` alive.
        Suspend0 {
            __awaitee: ::longhand::__private::Awaitee<A0>,
            j: ::longhand::__private::Kept<L0>,
            iter1: ::longhand::__private::Kept<L1>,
            i: ::longhand::__private::Kept<L2>,
            iter0: ::longhand::__private::Kept<L3>,
            wanted: ::longhand::__private::Kept<L4>,
        },
        /// Finished: polling again panics.
        Returned,
        /// A poll panicked: polling again panics.
        Panicked,
    }
    impl<
        P0,
        P1,
        A0,
        L0,
        L1,
        L2,
        L3,
        L4,
    > FirstMatchState<P0, P1, A0, L0, L1, L2, L3, L4> {
        /// Moves the arguments out and marks the state `Panicked` while the body runs.
        ///
        /// # Safety
        ///
        /// `this` points to the pinned state, which is `Unresumed`.
        #[inline(always)]
        unsafe fn take_unresumed(this: *mut Self) -> (P0, P1) {
            unsafe {
                let Self::Unresumed { rows, wanted } = &mut *this else {
                    ::core::unreachable!()
                };
                let taken = (rows.take(), wanted.take());
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
        unsafe fn take_suspend0(this: *mut Self) -> (L0, L1, L2, L3, L4) {
            unsafe {
                let Self::Suspend0 { __awaitee, j, iter1, i, iter0, wanted } = &mut *this
                else { ::core::unreachable!() };
                ::longhand::__private::Awaitee::drop_in_place(__awaitee, this);
                let taken = (
                    j.take(),
                    iter1.take(),
                    i.take(),
                    iter0.take(),
                    wanted.take(),
                );
                ::longhand::__private::ptr::write(this, Self::Panicked);
                taken
            }
        }
    }
    unsafe impl<P0, P1, A0, L0, L1, L2, L3, L4> ::longhand::__private::StateMachine
    for FirstMatchState<P0, P1, A0, L0, L1, L2, L3, L4> {
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
                    Self::Unresumed { rows, wanted } => {
                        rows.drop_in_place();
                        wanted.drop_in_place();
                    }
                    Self::Suspend0 { __awaitee, j, iter1, i, iter0, wanted } => {
                        __awaitee.drop_unguarded();
                        j.drop_in_place();
                        iter1.drop_in_place();
                        i.drop_in_place();
                        iter0.drop_in_place();
                        wanted.drop_in_place();
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
                    Self::Suspend0 { j, iter1, i, iter0, wanted, .. } => {
                        j.drop_in_place();
                        iter1.drop_in_place();
                        i.drop_in_place();
                        iter0.drop_in_place();
                        wanted.drop_in_place();
                    }
                    _ => {}
                }
                ::longhand::__private::ptr::write(this, Self::Panicked);
            }
        }
    }
    ::longhand::__private::lowered(
        FirstMatchState::Unresumed {
            rows: ::longhand::__private::Kept::new(rows),
            wanted: ::longhand::__private::Kept::new(wanted),
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
        | -> ::longhand::__private::Poll<Option<(usize, usize)>> {
            let __lh_this: *mut _ = unsafe {
                ::longhand::__private::Pin::get_unchecked_mut(__lh_state)
            };
            '__lh_dispatch: loop {
                match unsafe { &mut *__lh_this } {
                    FirstMatchState::Unresumed { .. } => {
                        let (__lh_arg0, __lh_arg1) = unsafe {
                            FirstMatchState::take_unresumed(__lh_this)
                        };
                        let __lh_ret: Option<(usize, usize)> = '__lh_body: {
                            let rows = __lh_arg0;
                            let wanted = __lh_arg1;
                            match ::core::iter::IntoIterator::into_iter(
                                rows.into_iter().enumerate(),
                            ) {
                                mut __iter0 => {
                                    'rows: loop {
                                        match ::core::iter::Iterator::next(&mut __iter0) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some((i, row)) => {
                                                match ::core::iter::IntoIterator::into_iter(
                                                    row.into_iter().enumerate(),
                                                ) {
                                                    mut __iter1 => {
                                                        loop {
                                                            match ::core::iter::Iterator::next(&mut __iter1) {
                                                                ::core::option::Option::None => break,
                                                                ::core::option::Option::Some((j, cell)) => {
                                                                    if cell == 0 {
                                                                        continue 'rows;
                                                                    }
                                                                    if {
                                                                        unsafe {
                                                                            ::longhand::__private::ptr::write(
                                                                                __lh_this,
                                                                                FirstMatchState::Suspend0 {
                                                                                    __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                                                    j: ::longhand::__private::Kept::new(j),
                                                                                    iter1: ::longhand::__private::Kept::new(__iter1),
                                                                                    i: ::longhand::__private::Kept::new(i),
                                                                                    iter0: ::longhand::__private::Kept::new(__iter0),
                                                                                    wanted: ::longhand::__private::Kept::new(wanted),
                                                                                },
                                                                            )
                                                                        };
                                                                        let __lh_guard = unsafe {
                                                                            ::longhand::__private::AbandonGuard::new(__lh_this)
                                                                        };
                                                                        let FirstMatchState::Suspend0 {
                                                                            __awaitee: __lh_slot,
                                                                            ..
                                                                        } = (unsafe { &mut *__lh_this }) else {
                                                                            ::core::unreachable!()
                                                                        };
                                                                        __lh_slot
                                                                            .init(
                                                                                ::core::future::IntoFuture::into_future(lookup(cell)),
                                                                            );
                                                                        __lh_guard.disarm();
                                                                        ::longhand::__private::trace::transition(
                                                                            "first_match",
                                                                            "Unresumed",
                                                                            "Suspend0",
                                                                            "lookup(cell).await",
                                                                        );
                                                                        ::longhand::__private::output_of(
                                                                            __lh_slot,
                                                                            continue '__lh_dispatch,
                                                                        )
                                                                    } == wanted
                                                                    {
                                                                        break '__lh_body (Some((i, j)));
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            None
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                FirstMatchState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "first_match",
                            "Unresumed",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    FirstMatchState::Suspend0 { __awaitee: __lh_slot, .. } => {
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
                                    "first_match",
                                    "Suspend0",
                                    "Suspend0",
                                    "lookup(cell).await",
                                );
                                return ::longhand::__private::Poll::Pending;
                            }
                        };
                        let (
                            __lh_restored12,
                            __lh_restored10,
                            __lh_restored7,
                            __lh_restored5,
                            __lh_restored2,
                        ) = unsafe { FirstMatchState::take_suspend0(__lh_this) };
                        let __lh_ret: Option<(usize, usize)> = '__lh_body: {
                            let wanted = __lh_restored2;
                            {
                                let mut __iter0 = __lh_restored5;
                                '__lh_loop2: {
                                    '__lh_iteration2: {
                                        {
                                            {
                                                let i = __lh_restored7;
                                                {
                                                    {
                                                        let mut __iter1 = __lh_restored10;
                                                        '__lh_loop1: {
                                                            '__lh_iteration1: {
                                                                {
                                                                    {
                                                                        let j = __lh_restored12;
                                                                        {
                                                                            if { __lh_resumed } == wanted {
                                                                                break '__lh_body (Some((i, j)));
                                                                            }
                                                                        }
                                                                    }
                                                                };
                                                            }
                                                            loop {
                                                                match ::core::iter::Iterator::next(&mut __iter1) {
                                                                    ::core::option::Option::None => break,
                                                                    ::core::option::Option::Some((j, cell)) => {
                                                                        if cell == 0 {
                                                                            break '__lh_iteration2;
                                                                        }
                                                                        if {
                                                                            unsafe {
                                                                                ::longhand::__private::ptr::write(
                                                                                    __lh_this,
                                                                                    FirstMatchState::Suspend0 {
                                                                                        __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                                                        j: ::longhand::__private::Kept::new(j),
                                                                                        iter1: ::longhand::__private::Kept::new(__iter1),
                                                                                        i: ::longhand::__private::Kept::new(i),
                                                                                        iter0: ::longhand::__private::Kept::new(__iter0),
                                                                                        wanted: ::longhand::__private::Kept::new(wanted),
                                                                                    },
                                                                                )
                                                                            };
                                                                            let __lh_guard = unsafe {
                                                                                ::longhand::__private::AbandonGuard::new(__lh_this)
                                                                            };
                                                                            let FirstMatchState::Suspend0 {
                                                                                __awaitee: __lh_slot,
                                                                                ..
                                                                            } = (unsafe { &mut *__lh_this }) else {
                                                                                ::core::unreachable!()
                                                                            };
                                                                            __lh_slot
                                                                                .init(
                                                                                    ::core::future::IntoFuture::into_future(lookup(cell)),
                                                                                );
                                                                            __lh_guard.disarm();
                                                                            ::longhand::__private::trace::transition(
                                                                                "first_match",
                                                                                "Suspend0",
                                                                                "Suspend0",
                                                                                "lookup(cell).await",
                                                                            );
                                                                            ::longhand::__private::output_of(
                                                                                __lh_slot,
                                                                                continue '__lh_dispatch,
                                                                            )
                                                                        } == wanted
                                                                        {
                                                                            break '__lh_body (Some((i, j)));
                                                                        }
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        };
                                    }
                                    'rows: loop {
                                        match ::core::iter::Iterator::next(&mut __iter0) {
                                            ::core::option::Option::None => break,
                                            ::core::option::Option::Some((i, row)) => {
                                                match ::core::iter::IntoIterator::into_iter(
                                                    row.into_iter().enumerate(),
                                                ) {
                                                    mut __iter1 => {
                                                        loop {
                                                            match ::core::iter::Iterator::next(&mut __iter1) {
                                                                ::core::option::Option::None => break,
                                                                ::core::option::Option::Some((j, cell)) => {
                                                                    if cell == 0 {
                                                                        continue 'rows;
                                                                    }
                                                                    if {
                                                                        unsafe {
                                                                            ::longhand::__private::ptr::write(
                                                                                __lh_this,
                                                                                FirstMatchState::Suspend0 {
                                                                                    __awaitee: ::longhand::__private::Awaitee::uninit(),
                                                                                    j: ::longhand::__private::Kept::new(j),
                                                                                    iter1: ::longhand::__private::Kept::new(__iter1),
                                                                                    i: ::longhand::__private::Kept::new(i),
                                                                                    iter0: ::longhand::__private::Kept::new(__iter0),
                                                                                    wanted: ::longhand::__private::Kept::new(wanted),
                                                                                },
                                                                            )
                                                                        };
                                                                        let __lh_guard = unsafe {
                                                                            ::longhand::__private::AbandonGuard::new(__lh_this)
                                                                        };
                                                                        let FirstMatchState::Suspend0 {
                                                                            __awaitee: __lh_slot,
                                                                            ..
                                                                        } = (unsafe { &mut *__lh_this }) else {
                                                                            ::core::unreachable!()
                                                                        };
                                                                        __lh_slot
                                                                            .init(
                                                                                ::core::future::IntoFuture::into_future(lookup(cell)),
                                                                            );
                                                                        __lh_guard.disarm();
                                                                        ::longhand::__private::trace::transition(
                                                                            "first_match",
                                                                            "Suspend0",
                                                                            "Suspend0",
                                                                            "lookup(cell).await",
                                                                        );
                                                                        ::longhand::__private::output_of(
                                                                            __lh_slot,
                                                                            continue '__lh_dispatch,
                                                                        )
                                                                    } == wanted
                                                                    {
                                                                        break '__lh_body (Some((i, j)));
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            None
                        };
                        unsafe {
                            ::longhand::__private::ptr::write(
                                __lh_this,
                                FirstMatchState::Returned,
                            )
                        };
                        ::longhand::__private::trace::transition(
                            "first_match",
                            "Suspend0",
                            "Returned",
                            "",
                        );
                        return ::longhand::__private::Poll::Ready(__lh_ret);
                    }
                    FirstMatchState::Returned => {
                        ::core::panic!("`async fn` resumed after completion")
                    }
                    FirstMatchState::Panicked => {
                        ::core::panic!("`async fn` resumed after panicking")
                    }
                }
            }
        },
    )
}
